-- K-MEME Factory foundation schema: users, videos, remix nodes with lineage,
-- vectors and places, and the AI-call cost ledger.
CREATE EXTENSION IF NOT EXISTS vector;
CREATE EXTENSION IF NOT EXISTS postgis;
CREATE EXTENSION IF NOT EXISTS ltree;
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE users (
    id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    email                text UNIQUE,
    password_hash        text,
    display_name         text NOT NULL DEFAULT '',
    role                 text NOT NULL DEFAULT 'user' CHECK (role IN ('user', 'admin')),
    plan                 text NOT NULL DEFAULT 'free',
    firebase_uid         text UNIQUE,
    time_zone            text NOT NULL DEFAULT 'Asia/Seoul',
    daily_quota_override integer CHECK (daily_quota_override >= 0),
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE videos (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    owner_id     uuid REFERENCES users (id) ON DELETE SET NULL,
    content_hash text NOT NULL CHECK (content_hash ~ '^[0-9a-f]{64}$'),
    size_bytes   bigint NOT NULL CHECK (size_bytes >= 0),
    blob_key     text NOT NULL,
    filename     text NOT NULL DEFAULT '',
    source_url   text NOT NULL DEFAULT '',
    duration_s   double precision NOT NULL DEFAULT 0,
    width        integer NOT NULL DEFAULT 0,
    height       integer NOT NULL DEFAULT 0,
    fps          double precision NOT NULL DEFAULT 0,
    format       text NOT NULL DEFAULT '',
    media        jsonb,
    created_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE NULLS NOT DISTINCT (owner_id, content_hash)
);
CREATE INDEX videos_content_hash ON videos (content_hash);

CREATE TABLE remix_nodes (
    id                uuid PRIMARY KEY,
    parent_id         uuid REFERENCES remix_nodes (id) ON DELETE RESTRICT,
    root_id           uuid NOT NULL,
    -- ancestors' ids (hex, no hyphens) from the root down to this node
    path              ltree NOT NULL,
    depth             integer NOT NULL CHECK (depth >= 0),
    owner_id          uuid REFERENCES users (id) ON DELETE SET NULL,
    video_id          uuid REFERENCES videos (id) ON DELETE SET NULL,
    title             text NOT NULL DEFAULT '',
    status            text NOT NULL DEFAULT 'draft'
                      CHECK (status IN ('draft', 'queued', 'analyzing', 'planning', 'rendering', 'done', 'failed')),
    visibility        text NOT NULL DEFAULT 'private' CHECK (visibility IN ('private', 'public')),
    error             text NOT NULL DEFAULT '',
    analysis          jsonb,
    recipe            jsonb,
    files             jsonb,
    -- structural fingerprint of the analysis (tempo, cut rhythm, energy shape, sections)
    embedding         vector(32),
    -- hashed character n-gram embedding of title and recipe text
    text_embedding    vector(256),
    location          geography(Point, 4326),
    location_label    text NOT NULL DEFAULT '',
    children_count    integer NOT NULL DEFAULT 0,
    descendants_count integer NOT NULL DEFAULT 0,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    CHECK ((parent_id IS NULL) = (depth = 0))
);
CREATE INDEX remix_nodes_path ON remix_nodes USING gist (path);
CREATE INDEX remix_nodes_parent ON remix_nodes (parent_id, id);
CREATE INDEX remix_nodes_root ON remix_nodes (root_id);
CREATE INDEX remix_nodes_owner ON remix_nodes (owner_id, id);
CREATE INDEX remix_nodes_location ON remix_nodes USING gist (location);
CREATE INDEX remix_nodes_title_trgm ON remix_nodes USING gin (title gin_trgm_ops);
CREATE INDEX remix_nodes_created ON remix_nodes (created_at);

CREATE TABLE ai_calls (
    id            bigserial PRIMARY KEY,
    provider      text NOT NULL,
    model         text NOT NULL,
    operation     text NOT NULL DEFAULT '',
    input_tokens  bigint NOT NULL DEFAULT 0,
    output_tokens bigint NOT NULL DEFAULT 0,
    cost_usd      numeric(14, 6) NOT NULL DEFAULT 0,
    latency_ms    bigint NOT NULL DEFAULT 0,
    cache_hit     boolean NOT NULL DEFAULT false,
    ok            boolean NOT NULL DEFAULT true,
    error         text NOT NULL DEFAULT '',
    user_id       uuid REFERENCES users (id) ON DELETE SET NULL,
    node_id       uuid REFERENCES remix_nodes (id) ON DELETE SET NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ai_calls_created ON ai_calls (created_at);
CREATE INDEX ai_calls_user ON ai_calls (user_id);
