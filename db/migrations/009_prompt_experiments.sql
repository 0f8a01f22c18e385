-- Prompt templates as versioned data, suggestions a person approves, experiments between
-- versions, and benchmark runs. The files in prompts/ are the first versions (inserted as the app
-- first renders them); a version is immutable once created.

CREATE TABLE prompt_versions (
  template       text NOT NULL,
  version        text NOT NULL,
  body           text NOT NULL,
  source         text NOT NULL CHECK (source IN ('file', 'suggestion')),
  parent_version text,
  suggestion_id  uuid,
  created_by     text NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (template, version)
);
CREATE INDEX prompt_versions_version ON prompt_versions (version);
CREATE FUNCTION prompt_versions_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'prompt versions are immutable' USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER prompt_versions_no_change BEFORE UPDATE OR DELETE ON prompt_versions
  FOR EACH ROW EXECUTE FUNCTION prompt_versions_immutable();

-- The version new runs use outside an experiment (absent: the file's version).
CREATE TABLE prompt_incumbents (
  template   text PRIMARY KEY,
  version    text NOT NULL,
  changed_by text NOT NULL,
  changed_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (template, version) REFERENCES prompt_versions (template, version)
);

CREATE TABLE prompt_suggestions (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  fingerprint   text NOT NULL,
  signature     text NOT NULL DEFAULT '',
  template      text NOT NULL,
  base_version  text NOT NULL,
  section       text NOT NULL DEFAULT '',
  proposed_body text,
  rationale     text NOT NULL DEFAULT '',
  status        text NOT NULL DEFAULT 'proposing'
                CHECK (status IN ('proposing', 'pending', 'approved', 'rejected', 'failed')),
  error         text,
  session_id    uuid,
  version       text,
  created_by    text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  decided_by    text,
  decided_at    timestamptz
);
CREATE INDEX prompt_suggestions_recent ON prompt_suggestions (created_at DESC);

-- One running experiment per template: the incumbent against the candidate arms.
CREATE TABLE prompt_experiments (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  template   text NOT NULL,
  incumbent  text NOT NULL,
  arms       text[] NOT NULL,
  status     text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'stopped')),
  pinned     text,
  seed       integer NOT NULL,
  started_by text NOT NULL,
  started_at timestamptz NOT NULL DEFAULT now(),
  stopped_by text,
  stopped_at timestamptz,
  promoted   text
);
CREATE UNIQUE INDEX prompt_experiments_running ON prompt_experiments (template) WHERE status = 'running';

-- The version each run uses per template, drawn once (a retried step reads the same choice).
CREATE TABLE run_prompt_choices (
  run_id        uuid NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  template      text NOT NULL,
  version       text NOT NULL,
  experiment_id uuid REFERENCES prompt_experiments (id) ON DELETE SET NULL,
  how           text NOT NULL CHECK (how IN ('incumbent', 'floor', 'thompson', 'pinned', 'benchmark')),
  chosen_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (run_id, template)
);
CREATE INDEX run_prompt_choices_experiment ON run_prompt_choices (experiment_id, version);

-- A benchmark run: a fixed set of requests in a campaign of its own, optionally pinned to one
-- prompt version; its report is computed from run_stats once every run has finished.
CREATE TABLE benchmark_runs (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  label           text NOT NULL,
  campaign_id     uuid NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
  prompt_template text,
  prompt_version  text,
  requests        integer NOT NULL,
  demo_model      boolean NOT NULL DEFAULT false,
  created_by      text NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  finished_at     timestamptz,
  report          jsonb
);
CREATE INDEX benchmark_runs_recent ON benchmark_runs (created_at DESC);
CREATE UNIQUE INDEX benchmark_runs_campaign ON benchmark_runs (campaign_id);
