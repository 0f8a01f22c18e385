-- Accounts (AUTH_MODE=accounts): users, browser sessions, API tokens, campaign members; and the
-- audit trail's who/where/outcome columns. Secrets are never stored: passwords as scrypt hashes,
-- session and API tokens as SHA-256 digests of random values (looked up by digest).

CREATE TABLE users (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name          text NOT NULL CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$'),
  password_hash text NOT NULL,
  is_admin      boolean NOT NULL DEFAULT false,
  disabled      boolean NOT NULL DEFAULT false,
  created_by    text NOT NULL DEFAULT 'local',
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_name ON users (lower(name));

CREATE TABLE user_sessions (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  token_hash     bytea NOT NULL UNIQUE,
  user_id        uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at     timestamptz NOT NULL DEFAULT now(),
  expires_at     timestamptz NOT NULL,
  last_seen_at   timestamptz NOT NULL DEFAULT now(),
  revoked_at     timestamptz,
  client_address text
);
CREATE INDEX user_sessions_user ON user_sessions (user_id);

CREATE TABLE api_tokens (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name         text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
  token_hash   bytea NOT NULL UNIQUE,
  role         text NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
  -- NULL: the role applies to every campaign (an admin token on every campaign is a global admin).
  campaign_id  uuid REFERENCES campaigns (id) ON DELETE CASCADE,
  created_by   text NOT NULL DEFAULT 'local',
  created_at   timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  revoked_at   timestamptz
);

CREATE TABLE campaign_members (
  campaign_id uuid NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
  user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  role        text NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
  created_by  text NOT NULL DEFAULT 'local',
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (campaign_id, user_id)
);
CREATE INDEX campaign_members_user ON campaign_members (user_id);

-- The audit trail: who did what, where from, to which campaign, and whether it was allowed.
-- campaign_id has no foreign key: the row outlives a deleted campaign.
ALTER TABLE audit_log
  ADD COLUMN outcome        text NOT NULL DEFAULT 'ok' CHECK (outcome IN ('ok', 'denied', 'failed')),
  ADD COLUMN campaign_id    uuid,
  ADD COLUMN client_address text,
  ADD COLUMN request_id     text;
CREATE INDEX audit_log_actor ON audit_log (actor, id DESC);
CREATE INDEX audit_log_action ON audit_log (action, id DESC);
CREATE INDEX audit_log_campaign ON audit_log (campaign_id, id DESC);
-- 001 refuses UPDATE and DELETE row by row; TRUNCATE skips row triggers, so refuse it too.
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
