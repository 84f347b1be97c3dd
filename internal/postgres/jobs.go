package postgres

import (
	"context"
	"encoding/json"
	"log/slog"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
	"github.com/kmeme-factory/kmeme/internal/lifecycle"
)

// AddEvent records a progress event; a trigger NOTIFYs kmeme_progress so
// that event streams on every instance wake up.
func AddEvent(ctx context.Context, db DBTX, nodeID string, stage string, percent int, status kmeme.NodeStatus, errMsg string) error {
	u, err := ParseID("node_id", nodeID)
	if err != nil {
		return err
	}
	percent = max(0, min(100, percent))
	_, err = db.Exec(ctx, `INSERT INTO remix_events (node_id, stage, percent, status, error) VALUES ($1, $2, $3, $4, $5)`,
		u, stage, percent, string(status), truncate(errMsg, 1000))
	return translate(err, "add progress event")
}

// SetNodeStatus moves a node to status with an error text (empty clears it).
func SetNodeStatus(ctx context.Context, db DBTX, nodeID string, status kmeme.NodeStatus, errMsg string) error {
	u, err := ParseID("node_id", nodeID)
	if err != nil {
		return err
	}
	_, err = db.Exec(ctx, `UPDATE remix_nodes SET status = $2, error = $3, updated_at = now() WHERE id = $1`,
		u, string(status), truncate(errMsg, 1000))
	return translate(err, "set node status")
}

// PipelineStore is kmeme.PipelineStore on PostgreSQL.
type PipelineStore struct {
	db DBTX
}

var _ kmeme.PipelineStore = (*PipelineStore)(nil)

// NewPipelineStore returns the store over a pool or a transaction.
func NewPipelineStore(db DBTX) *PipelineStore { return &PipelineStore{db: db} }

// GetPipelineNode reads a node with its video's blob key.
func (s *PipelineStore) GetPipelineNode(ctx context.Context, nodeID string) (*kmeme.PipelineNode, error) {
	u, err := ParseID("node_id", nodeID)
	if err != nil {
		return nil, err
	}
	var (
		p              kmeme.PipelineNode
		status         string
		owner          *uuid.UUID
		key, src       *string
		hash, format   *string
		an, rec, files []byte
		parentRec, med []byte
	)
	err = s.db.QueryRow(ctx, `SELECT n.title, n.status, n.owner_id, v.blob_key, v.source_url, v.content_hash, v.format, v.media,
			n.analysis, n.recipe, n.files, pn.recipe
		FROM remix_nodes n LEFT JOIN videos v ON v.id = n.video_id LEFT JOIN remix_nodes pn ON pn.id = n.parent_id
		WHERE n.id = $1`, u).
		Scan(&p.Title, &status, &owner, &key, &src, &hash, &format, &med, &an, &rec, &files, &parentRec)
	if err != nil {
		return nil, translate(err, "get pipeline node "+nodeID)
	}
	p.ID, p.Status, p.OwnerID = u.String(), kmeme.NodeStatus(status), uuidPtr(owner)
	if key != nil {
		p.VideoKey = *key
	}
	if src != nil {
		p.SourceURL = *src
	}
	if hash != nil {
		p.VideoHash = *hash
	}
	if format != nil {
		p.VideoFormat = *format
	}
	p.VideoMedia = nilIfEmpty(med)
	p.Analysis, p.Recipe, p.Files = nilIfEmpty(an), nilIfEmpty(rec), nilIfEmpty(files)
	p.ParentRecipe = nilIfEmpty(parentRec)
	return &p, nil
}

func nilIfEmpty(b []byte) json.RawMessage {
	if len(b) == 0 {
		return nil
	}
	return b
}

// SaveAnalysis stores the analysis and its structural fingerprint
// (a pgvector literal such as "[0.1,0.2]").
func SaveAnalysis(ctx context.Context, db DBTX, nodeID string, analysis []byte, fingerprint string) error {
	u, err := ParseID("node_id", nodeID)
	if err != nil {
		return err
	}
	_, err = db.Exec(ctx, `UPDATE remix_nodes SET analysis = $2, embedding = $3::vector, updated_at = now() WHERE id = $1`,
		u, analysis, fingerprint)
	return translate(err, "save analysis")
}

// SaveRecipe stores the recipe and the text embedding of title and recipe.
func SaveRecipe(ctx context.Context, db DBTX, nodeID string, recipe []byte, textEmbedding string) error {
	u, err := ParseID("node_id", nodeID)
	if err != nil {
		return err
	}
	_, err = db.Exec(ctx, `UPDATE remix_nodes SET recipe = $2, text_embedding = $3::vector, updated_at = now() WHERE id = $1`,
		u, recipe, textEmbedding)
	return translate(err, "save recipe")
}

// SaveFiles stores the list of rendered files.
func SaveFiles(ctx context.Context, db DBTX, nodeID string, files []byte) error {
	u, err := ParseID("node_id", nodeID)
	if err != nil {
		return err
	}
	_, err = db.Exec(ctx, `UPDATE remix_nodes SET files = $2, updated_at = now() WHERE id = $1`, u, files)
	return translate(err, "save files")
}

// ProgressHub turns PostgreSQL notifications on kmeme_progress into wake-ups
// for the event streams of this instance: one listening connection serves
// every stream. Subscribers should also poll slowly, since notifications
// are lost while the connection is being re-established.
type ProgressHub struct {
	pool *pgxpool.Pool
	log  *slog.Logger
	mu   sync.Mutex
	subs map[string]map[chan struct{}]struct{}
	loop lifecycle.Loop
}

// NewProgressHub returns a hub; call Start to begin listening.
func NewProgressHub(pool *pgxpool.Pool, log *slog.Logger) *ProgressHub {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	h := &ProgressHub{pool: pool, log: log, subs: map[string]map[chan struct{}]struct{}{}}
	h.loop.Run = h.run
	return h
}

// Subscribe returns a channel that receives a value whenever nodeID has a
// new event, and a func that ends the subscription.
func (h *ProgressHub) Subscribe(nodeID string) (<-chan struct{}, func()) {
	ch := make(chan struct{}, 1)
	h.mu.Lock()
	if h.subs[nodeID] == nil {
		h.subs[nodeID] = map[chan struct{}]struct{}{}
	}
	h.subs[nodeID][ch] = struct{}{}
	h.mu.Unlock()
	return ch, func() {
		h.mu.Lock()
		delete(h.subs[nodeID], ch)
		if len(h.subs[nodeID]) == 0 {
			delete(h.subs, nodeID)
		}
		h.mu.Unlock()
	}
}

func (h *ProgressHub) wake(nodeID string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for ch := range h.subs[nodeID] {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}

// Start begins listening, in a goroutine of its own, until Stop (or until
// ctx ends), reconnecting after failures. It is an error to start a hub
// twice.
func (h *ProgressHub) Start(ctx context.Context) error {
	return h.loop.Start(ctx)
}

// Stop ends the listening and waits until its connection is released.
func (h *ProgressHub) Stop(ctx context.Context) error {
	return h.loop.Stop(ctx)
}

// run listens until ctx ends, reconnecting after failures.
func (h *ProgressHub) run(ctx context.Context) {
	backoff := 200 * time.Millisecond
	for ctx.Err() == nil {
		err := h.listen(ctx)
		if ctx.Err() != nil {
			return
		}
		h.log.Warn("progress listener stopped; reconnecting", "err", err, "backoff", backoff.String())
		t := time.NewTimer(backoff)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		backoff = min(2*backoff, 5*time.Second)
	}
}

func (h *ProgressHub) listen(ctx context.Context) error {
	conn, err := h.pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "LISTEN kmeme_progress"); err != nil {
		conn.Conn().Close(context.Background()) //nolint:errcheck
		return err
	}
	defer conn.Exec(context.WithoutCancel(ctx), "UNLISTEN kmeme_progress") //nolint:errcheck
	for {
		n, err := conn.Conn().WaitForNotification(ctx)
		if err != nil {
			if ctx.Err() == nil {
				conn.Conn().Close(context.Background()) //nolint:errcheck
			}
			return err
		}
		h.wake(n.Payload)
	}
}
