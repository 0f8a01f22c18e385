-- Webhook deliveries seen, so a replayed delivery id is refused. Rows older than the signature
-- window are useless (a stale timestamp is refused anyway) and may be pruned.
CREATE TABLE webhook_deliveries (
  id          text PRIMARY KEY CHECK (char_length(id) BETWEEN 1 AND 200),
  received_at timestamptz NOT NULL DEFAULT now(),
  scenario_id uuid REFERENCES scenarios (id) ON DELETE SET NULL,
  run_id      uuid REFERENCES runs (id) ON DELETE SET NULL
);
CREATE INDEX webhook_deliveries_received ON webhook_deliveries (received_at);
