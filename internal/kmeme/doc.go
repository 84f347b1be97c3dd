// Package kmeme holds the domain of K-MEME Factory: the nouns (Video,
// Analysis, Recipe, RemixNode, User, Quota, cost entries), the service
// interfaces that outside packages implement, and the error codes shared by
// every layer. It imports nothing but the standard library, so every other
// package can depend on it and it depends on none of them.
package kmeme
