-- Platform: idempotent remix creation, pipeline progress events (with a
-- NOTIFY so that every instance's event streams wake), vector indexes for
-- similarity search, and indexes for trending and lineage queries.

CREATE TABLE idempotency_keys (
    scope        text NOT NULL,           -- the caller's user id, or 'anonymous'
    key          text NOT NULL CHECK (length(key) BETWEEN 1 AND 200),
    request_hash text NOT NULL,
    status       integer NOT NULL DEFAULT 0,
    response     jsonb,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (scope, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

CREATE TABLE remix_events (
    id         bigserial PRIMARY KEY,
    node_id    uuid NOT NULL REFERENCES remix_nodes (id) ON DELETE CASCADE,
    stage      text NOT NULL,
    percent    integer NOT NULL CHECK (percent BETWEEN 0 AND 100),
    status     text NOT NULL,
    error      text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX remix_events_node ON remix_events (node_id, id);

CREATE FUNCTION remix_events_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('kmeme_progress', NEW.node_id::text);
    RETURN NEW;
END $$;
CREATE TRIGGER remix_events_notify AFTER INSERT ON remix_events
    FOR EACH ROW EXECUTE FUNCTION remix_events_notify();

CREATE INDEX remix_nodes_embedding_hnsw ON remix_nodes USING hnsw (embedding vector_cosine_ops);
CREATE INDEX remix_nodes_text_embedding_hnsw ON remix_nodes USING hnsw (text_embedding vector_cosine_ops);
CREATE INDEX remix_nodes_root_created ON remix_nodes (root_id, created_at);
CREATE INDEX remix_nodes_video ON remix_nodes (video_id);
