-- Trust: signing keys for the server's own access tokens, rotating refresh
-- tokens, the write-behind daily quota ledger with idempotent flush ids, the
-- audit log and consents.

CREATE TABLE signing_keys (
    kid         text PRIMARY KEY,
    alg         text NOT NULL DEFAULT 'EdDSA',
    private_key bytea NOT NULL,
    public_key  bytea NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    -- after retired_at the key only verifies tokens it already signed
    retired_at  timestamptz
);

CREATE TABLE refresh_tokens (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- one sign-in's chain of rotations; reuse of a spent token revokes the family
    family_id   uuid NOT NULL,
    token_hash  bytea NOT NULL UNIQUE,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz,
    revoked_at  timestamptz
);
CREATE INDEX refresh_tokens_user ON refresh_tokens (user_id);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);

-- quota_ledger holds each user's flushed use per local day.
CREATE TABLE quota_ledger (
    user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    day        date NOT NULL,
    used       bigint NOT NULL DEFAULT 0,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, day)
);

-- quota_flushes makes a flush idempotent: a delta is applied once per flush id.
CREATE TABLE quota_flushes (
    flush_id   text PRIMARY KEY,
    user_id    uuid REFERENCES users (id) ON DELETE CASCADE,
    day        date NOT NULL,
    delta      bigint NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX quota_flushes_created ON quota_flushes (created_at);

-- audit_log: sign-ins, exports, erasures, admin actions. Erasure sets
-- user_id NULL and clears ip and detail.
CREATE TABLE audit_log (
    id         bigserial PRIMARY KEY,
    user_id    uuid REFERENCES users (id) ON DELETE SET NULL,
    action     text NOT NULL,
    ip         text NOT NULL DEFAULT '',
    detail     jsonb NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_user ON audit_log (user_id, id);
CREATE INDEX audit_log_created ON audit_log (created_at);

CREATE TABLE consents (
    user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose    text NOT NULL,
    granted    boolean NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, purpose)
);
