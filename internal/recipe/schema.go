package recipe

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

var (
	schemaOnce sync.Once
	schemaC    *jsonschema.Schema
	schemaErr  error
)

func compiled() (*jsonschema.Schema, error) {
	schemaOnce.Do(func() {
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(SchemaJSON))
		if err != nil {
			schemaErr = fmt.Errorf("recipe schema: %w", err)
			return
		}
		c := jsonschema.NewCompiler()
		if err := c.AddResource("recipe.v2.json", doc); err != nil {
			schemaErr = fmt.Errorf("recipe schema: %w", err)
			return
		}
		schemaC, schemaErr = c.Compile("recipe.v2.json")
	})
	return schemaC, schemaErr
}

// CheckSchema validates a recipe's JSON form against schema/recipe.v2.json.
func CheckSchema(r *kmeme.Recipe) error {
	s, err := compiled()
	if err != nil {
		return err
	}
	b, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("encode recipe: %w", err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		return fmt.Errorf("decode recipe: %w", err)
	}
	if err := s.Validate(inst); err != nil {
		return &kmeme.Error{Code: kmeme.EINVALID, Message: "recipe does not match schema recipe.v2.json", Err: err}
	}
	return nil
}
