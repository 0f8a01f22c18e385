-- The local executor's durable state (inngest/local/): function runs and their memoised steps.
-- Generic: it knows functions, events and steps, nothing about scenarios. The pipeline's
-- human-facing record of steps stays in run_steps.

-- Every event the executor accepted; the primary key makes an event id idempotent.
CREATE TABLE executor_events (
  id          text PRIMARY KEY,
  name        text NOT NULL,
  data        jsonb NOT NULL DEFAULT '{}'::jsonb,
  received_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX executor_events_received ON executor_events (received_at);

-- One run of one function. kind 'failure' is the run of a function's onFailure handler (its
-- parent_run_id is the failed run); an invoked child has parent_run_id and parent_step_key.
CREATE TABLE executor_runs (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  seq              bigserial NOT NULL UNIQUE,
  function_id      text NOT NULL,
  kind             text NOT NULL DEFAULT 'handler' CHECK (kind IN ('handler', 'failure')),
  event            jsonb NOT NULL,
  event_id         text,
  status           text NOT NULL DEFAULT 'queued' CHECK (status IN (
                     'queued', 'running', 'sleeping', 'completed', 'failed', 'cancelled')),
  concurrency_keys text[] NOT NULL DEFAULT '{}',
  attempt          integer NOT NULL DEFAULT 0 CHECK (attempt >= 0),
  -- queued: not before this time (retry back-off); sleeping: wake time (NULL = waiting for an
  -- invoked child run).
  wake_at          timestamptz,
  result           jsonb,
  error            jsonb,
  parent_run_id    uuid REFERENCES executor_runs (id) ON DELETE CASCADE,
  parent_step_key  text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  started_at       timestamptz,
  finished_at      timestamptz
);
-- The scheduler scans unfinished runs in FIFO order.
CREATE INDEX executor_runs_unfinished ON executor_runs (seq) WHERE status IN ('queued', 'running', 'sleeping');
CREATE INDEX executor_runs_event ON executor_runs (event_id);
CREATE INDEX executor_runs_parent ON executor_runs (parent_run_id) WHERE parent_run_id IS NOT NULL;
-- Cancel rules match on a field of the event data.
CREATE INDEX executor_runs_function_unfinished ON executor_runs (function_id) WHERE status IN ('queued', 'running', 'sleeping');

-- Memoised steps of a run. 'retrying': failed with attempts left; 'waiting': an invoked child
-- run (child_run_id) has not finished yet.
CREATE TABLE executor_steps (
  run_id       uuid NOT NULL REFERENCES executor_runs (id) ON DELETE CASCADE,
  step_key     text NOT NULL,
  kind         text NOT NULL CHECK (kind IN ('run', 'sleep', 'invoke', 'event')),
  status       text NOT NULL CHECK (status IN ('completed', 'failed', 'retrying', 'sleeping', 'waiting')),
  result       jsonb,
  error        jsonb,
  attempts     integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  wake_at      timestamptz,
  child_run_id uuid REFERENCES executor_runs (id) ON DELETE SET NULL,
  started_at   timestamptz NOT NULL DEFAULT now(),
  finished_at  timestamptz,
  duration_ms  integer,
  PRIMARY KEY (run_id, step_key)
);
