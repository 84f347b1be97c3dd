package postgres

import (
	"context"
	"strings"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

// AddRetryEvent records that a pipeline step is tried again: a progress
// event (stage "retry:analyze" for the analyze step) at the step's latest
// percent (percents are per step, and progress never goes back) and the
// node's current status (status "" keeps it), with msg as its detail.
func AddRetryEvent(ctx context.Context, db DBTX, nodeID, stage string, status kmeme.NodeStatus, msg string) error {
	u, err := ParseID("node_id", nodeID)
	if err != nil {
		return err
	}
	_, err = db.Exec(ctx, `INSERT INTO remix_events (node_id, stage, percent, status, error)
		SELECT n.id, $2, coalesce((SELECT max(percent) FROM remix_events e WHERE e.node_id = n.id
				AND (e.stage = $5 OR starts_with(e.stage, $5 || ':'))), 0),
			CASE WHEN $3 = '' THEN n.status ELSE $3 END, $4
		FROM remix_nodes n WHERE n.id = $1`, u, stage, string(status), truncate(msg, 1000), strings.TrimPrefix(stage, "retry:"))
	return translate(err, "add retry event")
}
