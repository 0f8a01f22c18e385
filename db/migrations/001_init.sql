-- Scenario Generator: the initial data model.
-- Every table lives in the connection's current schema (no schema prefixes), so tests can run
-- the same migrations in a schema of their own.

-- ---------------------------------------------------------------------------------------------
-- Campaigns group scenarios (by client, theme or category).
CREATE TABLE campaigns (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name        text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
  description text NOT NULL DEFAULT '',
  color       text NOT NULL DEFAULT 'blue',
  icon        text NOT NULL DEFAULT 'folder',
  client      text,
  category    text,
  archived    boolean NOT NULL DEFAULT false,
  created_by  text NOT NULL DEFAULT 'local',
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
-- Two live campaigns may not share a name; archived ones free it.
CREATE UNIQUE INDEX campaigns_live_name ON campaigns (lower(name)) WHERE NOT archived;
CREATE INDEX campaigns_created ON campaigns (created_at DESC);

-- ---------------------------------------------------------------------------------------------
-- Scenarios: one requested app. status/phase/progress mirror the current run for fast listing.
CREATE TABLE scenarios (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  campaign_id    uuid NOT NULL REFERENCES campaigns (id) ON DELETE RESTRICT,
  slug           text NOT NULL CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND char_length(slug) <= 64),
  title          text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
  request        text NOT NULL CHECK (char_length(request) BETWEEN 1 AND 20000),
  complexity     text NOT NULL DEFAULT 'simple' CHECK (complexity IN ('simple', 'intermediate', 'advanced')),
  category       text NOT NULL DEFAULT 'general',
  target_format  text NOT NULL DEFAULT 'vrooli-2025-08-07',
  config         jsonb NOT NULL DEFAULT '{}'::jsonb,
  status         text NOT NULL DEFAULT 'draft' CHECK (status IN (
                   'draft', 'queued', 'planning', 'implementing', 'validating', 'deploying',
                   'sleeping', 'deployed', 'failed', 'cancelled')),
  phase          text CHECK (phase IN ('planning', 'implementing', 'validating', 'deploying')),
  iteration      integer NOT NULL DEFAULT 0 CHECK (iteration >= 0),
  progress       integer NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
  current_run_id uuid,
  cost_usd       numeric(12, 6) NOT NULL DEFAULT 0,
  last_action    text,
  error          text,
  event_seq      bigint NOT NULL DEFAULT 0,
  archived       boolean NOT NULL DEFAULT false,
  created_by     text NOT NULL DEFAULT 'local',
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  started_at     timestamptz,
  finished_at    timestamptz,
  deployed_at    timestamptz,
  UNIQUE (campaign_id, slug)
);
CREATE INDEX scenarios_campaign_created ON scenarios (campaign_id, created_at DESC, id);
CREATE INDEX scenarios_status ON scenarios (status);
CREATE INDEX scenarios_created ON scenarios (created_at DESC, id);

-- Allowed status moves. A finished scenario (deployed, failed, cancelled) only moves again when
-- a new run starts (current_run_id changes).
CREATE FUNCTION scenario_status_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  ok boolean;
BEGIN
  IF NEW.status = OLD.status THEN
    RETURN NEW;
  END IF;
  ok := CASE OLD.status
    WHEN 'draft'        THEN NEW.status IN ('queued', 'cancelled')
    WHEN 'queued'       THEN NEW.status IN ('planning', 'implementing', 'validating', 'deploying', 'failed', 'cancelled', 'sleeping')
    WHEN 'planning'     THEN NEW.status IN ('implementing', 'sleeping', 'failed', 'cancelled', 'queued')
    WHEN 'implementing' THEN NEW.status IN ('validating', 'sleeping', 'failed', 'cancelled', 'queued')
    WHEN 'validating'   THEN NEW.status IN ('implementing', 'deploying', 'sleeping', 'failed', 'cancelled', 'queued')
    WHEN 'deploying'    THEN NEW.status IN ('deployed', 'sleeping', 'failed', 'cancelled', 'queued')
    WHEN 'sleeping'     THEN NEW.status IN ('planning', 'implementing', 'validating', 'deploying', 'failed', 'cancelled', 'queued')
    ELSE NEW.status = 'queued' AND NEW.current_run_id IS DISTINCT FROM OLD.current_run_id
  END;
  IF NOT ok THEN
    RAISE EXCEPTION 'scenario % cannot move from % to %', OLD.id, OLD.status, NEW.status
      USING ERRCODE = 'check_violation', CONSTRAINT = 'scenario_status_transition';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER scenarios_status_guard BEFORE UPDATE OF status ON scenarios
  FOR EACH ROW EXECUTE FUNCTION scenario_status_guard();

-- ---------------------------------------------------------------------------------------------
-- Runs: one attempt of the pipeline for a scenario.
CREATE TABLE runs (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  scenario_id     uuid NOT NULL REFERENCES scenarios (id) ON DELETE CASCADE,
  number          integer NOT NULL CHECK (number >= 1),
  status          text NOT NULL DEFAULT 'queued' CHECK (status IN (
                    'queued', 'running', 'sleeping', 'succeeded', 'failed', 'cancelled')),
  phase           text CHECK (phase IN ('planning', 'implementing', 'validating', 'deploying')),
  trigger         text NOT NULL DEFAULT 'api',
  from_phase      text,
  parent_run_id   uuid REFERENCES runs (id) ON DELETE SET NULL,
  config          jsonb NOT NULL DEFAULT '{}'::jsonb,
  failure_class   text,
  error           text,
  facts           jsonb NOT NULL DEFAULT '{}'::jsonb,
  cost_usd        numeric(12, 6) NOT NULL DEFAULT 0,
  wake_at         timestamptz,
  cancel_requested_at timestamptz,
  created_by      text NOT NULL DEFAULT 'local',
  created_at      timestamptz NOT NULL DEFAULT now(),
  started_at      timestamptz,
  finished_at     timestamptz,
  UNIQUE (scenario_id, number)
);
CREATE INDEX runs_scenario ON runs (scenario_id, created_at DESC);
CREATE INDEX runs_unfinished ON runs (status) WHERE status IN ('queued', 'running', 'sleeping');
ALTER TABLE scenarios ADD CONSTRAINT scenarios_current_run_fk
  FOREIGN KEY (current_run_id) REFERENCES runs (id) ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED;

-- Steps of a run. The local executor memoises step results here (step_key is unique per run).
CREATE TABLE run_steps (
  id          bigserial PRIMARY KEY,
  run_id      uuid NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  step_key    text NOT NULL,
  phase       text,
  iteration   integer,
  name        text NOT NULL,
  kind        text NOT NULL DEFAULT 'run' CHECK (kind IN ('run', 'sleep', 'invoke', 'event')),
  status      text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'completed', 'failed', 'sleeping')),
  attempt     integer NOT NULL DEFAULT 1,
  result      jsonb,
  error       jsonb,
  message     text,
  wake_at     timestamptz,
  started_at  timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  duration_ms integer,
  UNIQUE (run_id, step_key)
);
CREATE INDEX run_steps_run ON run_steps (run_id, id);

-- Human-readable progress log per scenario; seq is the per-scenario event sequence number.
CREATE TABLE generation_logs (
  id          bigserial PRIMARY KEY,
  scenario_id uuid NOT NULL REFERENCES scenarios (id) ON DELETE CASCADE,
  run_id      uuid REFERENCES runs (id) ON DELETE CASCADE,
  seq         bigint NOT NULL,
  phase       text,
  iteration   integer,
  step        text,
  kind        text NOT NULL,
  level       text NOT NULL DEFAULT 'info' CHECK (level IN ('debug', 'info', 'warn', 'error')),
  message     text NOT NULL DEFAULT '',
  data        jsonb,
  created_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (scenario_id, seq)
);
CREATE INDEX generation_logs_run ON generation_logs (run_id, seq);

-- ---------------------------------------------------------------------------------------------
-- One agent session (one CLI process).
CREATE TABLE agent_interactions (
  id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  run_id                uuid REFERENCES runs (id) ON DELETE CASCADE,
  scenario_id           uuid REFERENCES scenarios (id) ON DELETE CASCADE,
  step_key              text,
  phase                 text,
  iteration             integer,
  agent                 text NOT NULL DEFAULT 'claude-code',
  session_id            uuid NOT NULL UNIQUE,
  prompt_template       text NOT NULL,
  prompt_version        text NOT NULL,
  model                 text,
  status                text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'finished')),
  outcome               text,
  outcome_detail        jsonb,
  turns                 integer,
  input_tokens          bigint,
  output_tokens         bigint,
  cache_read_tokens     bigint,
  cache_creation_tokens bigint,
  cost_usd              numeric(12, 6),
  duration_ms           integer,
  permission_denials    jsonb NOT NULL DEFAULT '[]'::jsonb,
  transcript_key        text,
  transcript_bytes      bigint,
  transcript_truncated  boolean NOT NULL DEFAULT false,
  runner_id             text,
  pid                   integer,
  started_at            timestamptz NOT NULL DEFAULT now(),
  finished_at           timestamptz
);
CREATE INDEX agent_interactions_run ON agent_interactions (run_id, started_at);
CREATE INDEX agent_interactions_running ON agent_interactions (runner_id) WHERE status = 'running';
CREATE INDEX agent_interactions_template ON agent_interactions (prompt_template, prompt_version);

-- Plan versions of a run: iteration 1 is the initial plan, later ones refinements.
CREATE TABLE plan_versions (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  run_id      uuid NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  scenario_id uuid NOT NULL REFERENCES scenarios (id) ON DELETE CASCADE,
  iteration   integer NOT NULL CHECK (iteration >= 1),
  score       numeric(5, 2) CHECK (score BETWEEN 0 AND 100),
  rubric      jsonb NOT NULL DEFAULT '{}'::jsonb,
  critique    text NOT NULL DEFAULT '',
  object_key  text NOT NULL,
  chosen      boolean NOT NULL DEFAULT false,
  created_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (run_id, iteration)
);
CREATE UNIQUE INDEX plan_versions_one_chosen ON plan_versions (run_id) WHERE chosen;

-- File bundles: one per implementation iteration (and per validation fix), with a manifest.
CREATE TABLE artifacts (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  run_id      uuid NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  scenario_id uuid NOT NULL REFERENCES scenarios (id) ON DELETE CASCADE,
  phase       text NOT NULL,
  iteration   integer NOT NULL,
  kind        text NOT NULL DEFAULT 'bundle' CHECK (kind IN ('bundle', 'archive')),
  object_key  text NOT NULL,
  manifest    jsonb NOT NULL DEFAULT '[]'::jsonb,
  file_count  integer NOT NULL DEFAULT 0,
  total_bytes bigint NOT NULL DEFAULT 0,
  sha256      text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (run_id, phase, iteration, kind)
);
CREATE INDEX artifacts_scenario ON artifacts (scenario_id, created_at DESC);

-- Validator verdicts per attempt.
CREATE TABLE validation_results (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  run_id         uuid NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  scenario_id    uuid NOT NULL REFERENCES scenarios (id) ON DELETE CASCADE,
  phase          text NOT NULL DEFAULT 'validating',
  validator      text NOT NULL,
  profile        text NOT NULL,
  attempt        integer NOT NULL CHECK (attempt >= 1),
  passed         boolean NOT NULL,
  error_count    integer NOT NULL DEFAULT 0,
  warning_count  integer NOT NULL DEFAULT 0,
  findings       jsonb NOT NULL DEFAULT '[]'::jsonb,
  exit_code      integer,
  raw_output_key text,
  duration_ms    integer,
  created_at     timestamptz NOT NULL DEFAULT now(),
  UNIQUE (run_id, phase, validator, attempt)
);
CREATE INDEX validation_results_scenario ON validation_results (scenario_id, created_at DESC);

-- ---------------------------------------------------------------------------------------------
-- Learning: recurring problems (by stable error signature) and suggested fixes.
CREATE TABLE improvement_patterns (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  signature      text NOT NULL UNIQUE,
  rule_id        text,
  phase          text,
  description    text NOT NULL DEFAULT '',
  prevention     text NOT NULL DEFAULT '',
  occurrences    integer NOT NULL DEFAULT 0,
  example_scenarios jsonb NOT NULL DEFAULT '[]'::jsonb,
  active         boolean NOT NULL DEFAULT true,
  first_seen     timestamptz NOT NULL DEFAULT now(),
  last_seen      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX improvement_patterns_occurrences ON improvement_patterns (occurrences DESC);

CREATE TABLE suggestions (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  pattern_id      uuid REFERENCES improvement_patterns (id) ON DELETE SET NULL,
  kind            text NOT NULL DEFAULT 'prompt' CHECK (kind IN ('prompt', 'setting', 'note')),
  title           text NOT NULL,
  body            text NOT NULL DEFAULT '',
  prompt_template text,
  status          text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'accepted', 'rejected')),
  created_at      timestamptz NOT NULL DEFAULT now(),
  decided_at      timestamptz,
  decided_by      text
);
CREATE INDEX suggestions_open ON suggestions (created_at DESC) WHERE status = 'open';

-- ---------------------------------------------------------------------------------------------
-- Append-only record of every mutation and every run started.
CREATE TABLE audit_log (
  id          bigserial PRIMARY KEY,
  at          timestamptz NOT NULL DEFAULT now(),
  actor       text NOT NULL,
  action      text NOT NULL,
  target_type text NOT NULL,
  target_id   text,
  details     jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX audit_log_target ON audit_log (target_type, target_id, at DESC);
CREATE INDEX audit_log_at ON audit_log (at DESC);
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

CREATE TABLE settings (
  key        text PRIMARY KEY CHECK (key ~ '^[a-z][a-z0-9_.-]*$'),
  value      jsonb NOT NULL,
  updated_by text NOT NULL DEFAULT 'local',
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- ---------------------------------------------------------------------------------------------
-- Success metrics per campaign (what the tabs show) and performance facts per run.
CREATE VIEW campaign_metrics AS
SELECT c.id AS campaign_id,
       count(s.id) FILTER (WHERE NOT s.archived)                                   AS scenario_count,
       count(s.id) FILTER (WHERE s.status = 'deployed' AND NOT s.archived)         AS deployed_count,
       count(s.id) FILTER (WHERE s.status = 'failed' AND NOT s.archived)           AS failed_count,
       count(s.id) FILTER (WHERE s.status IN ('queued', 'planning', 'implementing', 'validating', 'deploying', 'sleeping') AND NOT s.archived) AS active_count,
       CASE WHEN count(s.id) FILTER (WHERE s.status IN ('deployed', 'failed') AND NOT s.archived) = 0 THEN NULL
            ELSE round(100.0 * count(s.id) FILTER (WHERE s.status = 'deployed' AND NOT s.archived)
                 / count(s.id) FILTER (WHERE s.status IN ('deployed', 'failed') AND NOT s.archived), 1) END AS success_rate,
       coalesce(sum(s.cost_usd) FILTER (WHERE NOT s.archived), 0)                  AS cost_usd
  FROM campaigns c LEFT JOIN scenarios s ON s.campaign_id = c.id
 GROUP BY c.id;

CREATE VIEW run_performance AS
SELECT r.id AS run_id, r.scenario_id, s.campaign_id, s.complexity, r.status, r.failure_class,
       r.created_at, r.started_at, r.finished_at,
       extract(epoch FROM (r.finished_at - r.started_at)) * 1000 AS duration_ms,
       (SELECT count(*) FROM agent_interactions a WHERE a.run_id = r.id)                    AS sessions,
       (SELECT coalesce(sum(a.turns), 0) FROM agent_interactions a WHERE a.run_id = r.id)   AS turns,
       (SELECT coalesce(sum(a.input_tokens + a.output_tokens), 0) FROM agent_interactions a WHERE a.run_id = r.id) AS tokens,
       (SELECT coalesce(sum(a.cost_usd), 0) FROM agent_interactions a WHERE a.run_id = r.id) AS cost_usd,
       (SELECT v.passed FROM validation_results v WHERE v.run_id = r.id ORDER BY v.created_at, v.attempt LIMIT 1) AS first_pass_valid
  FROM runs r JOIN scenarios s ON s.id = r.scenario_id;
