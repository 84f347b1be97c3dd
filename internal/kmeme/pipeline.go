package kmeme

import (
	"context"
	"encoding/json"
)

// PipelineNode is what the job stages read about a node.
type PipelineNode struct {
	ID       string
	Title    string
	Status   NodeStatus
	OwnerID  *string
	VideoKey string // blob key of the source video, "" without one
	// VideoHash, VideoFormat and VideoMedia are what the upload measured
	// (content hash, ffprobe's demuxer name, the probe as JSON), so the
	// stages do not hash or probe the file again. Empty without a video.
	VideoHash   string
	VideoFormat string
	VideoMedia  json.RawMessage
	Analysis    json.RawMessage
	Recipe      json.RawMessage
	Files       json.RawMessage
	SourceURL   string
	// ParentRecipe is the parent remix's recipe in the lineage (nil for a
	// root or a parent not yet planned): evidence for the planner.
	ParentRecipe json.RawMessage
}

// PipelineStore reads what the job stages need about a node. (The stages
// write their results in the transaction that completes their job, so the
// writes stay beside the queue.)
type PipelineStore interface {
	// GetPipelineNode reads a node with its video's blob key and what the
	// upload measured; ENOTFOUND when there is no such node.
	GetPipelineNode(ctx context.Context, nodeID string) (*PipelineNode, error)
}
