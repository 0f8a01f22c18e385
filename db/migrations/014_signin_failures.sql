-- Sign-in throttling shared by every process that serves the API (api roles, the edge): failed
-- sign-ins per key (client address, user name), kept only for the throttling window.
CREATE TABLE signin_failures (
  key text NOT NULL,
  failed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX signin_failures_key_at ON signin_failures (key, failed_at);
CREATE INDEX signin_failures_at ON signin_failures (failed_at);
