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

-- A subtree is one contiguous range in ltree's btree order: descendant
-- pages are index range scans whatever the family's size.
CREATE INDEX remix_nodes_path_btree ON remix_nodes (path);

-- Remixes per family per day (UTC), kept by trigger, for trending.
CREATE TABLE remix_family_daily (
    root_id uuid NOT NULL,
    day     date NOT NULL,
    remixes integer NOT NULL DEFAULT 0,
    PRIMARY KEY (root_id, day)
);
CREATE INDEX remix_family_daily_day ON remix_family_daily (day, root_id);

CREATE FUNCTION remix_family_daily_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO remix_family_daily AS f (root_id, day, remixes)
        VALUES (NEW.root_id, (NEW.created_at AT TIME ZONE 'UTC')::date, 1)
        ON CONFLICT (root_id, day) DO UPDATE SET remixes = f.remixes + 1;
        RETURN NEW;
    END IF;
    UPDATE remix_family_daily SET remixes = remixes - 1
    WHERE root_id = OLD.root_id AND day = (OLD.created_at AT TIME ZONE 'UTC')::date;
    RETURN OLD;
END $$;
CREATE TRIGGER remix_family_daily_insert AFTER INSERT ON remix_nodes
    FOR EACH ROW WHEN (NEW.depth > 0) EXECUTE FUNCTION remix_family_daily_count();
CREATE TRIGGER remix_family_daily_delete AFTER DELETE ON remix_nodes
    FOR EACH ROW WHEN (OLD.depth > 0) EXECUTE FUNCTION remix_family_daily_count();
