package kmeme

import (
	"context"
	"encoding/json"
)

// CreateRemix asks RemixService.Create for a node.
type CreateRemix struct {
	Node NewNode
	// IdempotencyKey, when set, makes the request repeatable: the same key
	// in the same Scope (the caller) with the same RequestHash (of the
	// request body) answers the stored response again; with another body it
	// is EUNPROCESSABLE.
	IdempotencyKey string
	Scope          string
	RequestHash    string
	// Status is stored with the answer for replays (the API's 201 or 202).
	Status int
	// Charge, when set, is called once the request is known to be new work
	// (never for a replay), inside the transaction: an error aborts it.
	Charge func(ctx context.Context) error
}

// Created is RemixService.Create's answer.
type Created struct {
	Node     *RemixNode      // nil for a replay
	Body     json.RawMessage // the node as JSON: the answer stored with the key
	Status   int
	Replayed bool
}

// RemixService creates remixes with their pipeline and reads what the
// pipeline made.
type RemixService interface {
	// Create inserts a node; with a video its pipeline job is enqueued in
	// the same transaction (EUNAVAILABLE when this service cannot queue
	// jobs). See CreateRemix for idempotency.
	Create(ctx context.Context, in CreateRemix) (*Created, error)
	// Replan clears a finished node's recipe and queues its plan stage
	// again with the given format, in one transaction: ECONFLICT unless the
	// node is done or failed and has an analysis.
	Replan(ctx context.Context, nodeID, format string) error
	// View returns a node with its analysis and file list, or ENOTFOUND.
	View(ctx context.Context, id string) (*NodeView, error)
	// EventsAfter lists a node's progress events with id > after, oldest first.
	EventsAfter(ctx context.Context, nodeID string, after int64, limit int) ([]Event, error)
	// Showcase lists finished public recipes, most remixed then newest.
	Showcase(ctx context.Context, limit int) ([]ShowcaseItem, error)
}
