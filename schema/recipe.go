// Package schema publishes the JSON Schemas of K-MEME Factory's documents so
// the CLI, the API and tests read the one copy kept in this folder.
package schema

import _ "embed"

// RecipeV1 is the JSON Schema (draft 2020-12) of a recipe, version 1.
//
//go:embed recipe.v1.json
var RecipeV1 []byte

// RecipeV2 is the JSON Schema of a recipe, version 2: format reasons and
// runner-up, evidence on adaptations, shot roles, polite overtitles and
// carried-over source text. The reader in internal/recipe upgrades v1.
//
//go:embed recipe.v2.json
var RecipeV2 []byte
