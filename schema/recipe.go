// Package schema publishes the JSON Schemas of K-MEME Factory's documents so
// the CLI, the API and tests read the one copy kept in this folder.
package schema

import _ "embed"

// RecipeV1 is the JSON Schema (draft 2020-12) of a recipe, version 1.
//
//go:embed recipe.v1.json
var RecipeV1 []byte
