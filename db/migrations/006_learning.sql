-- The learning loop's tables, maintained as runs finish and findings are recorded (triggers), so
-- analytics, recurring problems and the forecast read narrow rows, never a scan of raw results.

-- ---------------------------------------------------------------------------------------------
-- One row per finished run: what analytics and the forecast need, flattened from runs.facts and
-- the run's scenario. Success means a scenario that ran: status succeeded with evidence ran or
-- tested (runs finished before evidence levels existed count as 'structure').
CREATE TABLE run_stats (
  run_id          uuid PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
  scenario_id     uuid NOT NULL,
  campaign_id     uuid NOT NULL,
  category        text NOT NULL,
  complexity      text NOT NULL,
  profile         text NOT NULL,
  model           text NOT NULL,
  prompt_version  text NOT NULL,
  evidence        text NOT NULL CHECK (evidence IN ('structure', 'ran', 'tested')),
  status          text NOT NULL CHECK (status IN ('succeeded', 'failed', 'cancelled')),
  success         boolean NOT NULL,
  first_pass      boolean,
  created_at      timestamptz NOT NULL,
  finished_at     timestamptz NOT NULL,
  queue_ms        bigint,
  duration_ms     bigint,
  planning_ms     integer,
  implementing_ms integer,
  validating_ms   integer,
  deploying_ms    integer,
  sessions        integer NOT NULL DEFAULT 0,
  turns           integer NOT NULL DEFAULT 0,
  tokens          bigint NOT NULL DEFAULT 0,
  cost_usd        numeric(12, 6) NOT NULL DEFAULT 0,
  outcomes        jsonb NOT NULL DEFAULT '{}'::jsonb,
  request_length  integer NOT NULL DEFAULT 0,
  resource_count  integer NOT NULL DEFAULT 0
);
CREATE INDEX run_stats_finished ON run_stats (finished_at);
CREATE INDEX run_stats_campaign_finished ON run_stats (campaign_id, finished_at);

-- The run's prompt version: the templates and versions its sessions used, as one short key.
CREATE FUNCTION run_prompt_version(p_run uuid, p_facts jsonb) RETURNS text LANGUAGE sql STABLE AS $$
  SELECT coalesce(p_facts->>'promptVersion',
                  (SELECT left(md5(string_agg(DISTINCT prompt_template || '@' || prompt_version, ',')), 8)
                     FROM agent_interactions WHERE run_id = p_run),
                  'unknown')
$$;

-- Resources a request names (what a draft also knows before any run).
CREATE FUNCTION request_resource_count(p_request text) RETURNS integer LANGUAGE sql IMMUTABLE AS $$
  SELECT count(*)::int FROM unnest(ARRAY['postgres', 'redis', 'minio', 'n8n', 'ollama', 'qdrant',
    'claude-code', 'windmill', 'node-red', 'searxng', 'browserless', 'huginn', 'judge0', 'vault',
    'whisper', 'comfyui', 'questdb', 'agent-s2', 'unstructured-io']) r
   WHERE p_request ~* ('(^|[^a-z0-9-])' || r || '($|[^a-z0-9-])')
$$;

CREATE FUNCTION run_stats_upsert(r runs) RETURNS void LANGUAGE sql AS $$
  INSERT INTO run_stats AS t (run_id, scenario_id, campaign_id, category, complexity, profile, model, prompt_version,
                         evidence, status, success, first_pass, created_at, finished_at, queue_ms, duration_ms,
                         planning_ms, implementing_ms, validating_ms, deploying_ms, sessions, turns, tokens,
                         cost_usd, outcomes, request_length, resource_count)
  SELECT r.id, s.id, s.campaign_id, s.category, s.complexity, s.target_format,
         coalesce(r.config->>'model', s.config->>'model', r.facts->>'model', 'default'),
         run_prompt_version(r.id, r.facts), ev.level, r.status,
         r.status = 'succeeded' AND ev.level IN ('ran', 'tested'),
         (r.facts->>'firstPassValid')::boolean, r.created_at, r.finished_at,
         (extract(epoch FROM (coalesce(r.started_at, r.finished_at) - r.created_at)) * 1000)::bigint,
         (extract(epoch FROM (r.finished_at - r.started_at)) * 1000)::bigint,
         (r.facts->'phaseMs'->>'planning')::int, (r.facts->'phaseMs'->>'implementing')::int,
         (r.facts->'phaseMs'->>'validating')::int, (r.facts->'phaseMs'->>'deploying')::int,
         coalesce((r.facts->>'sessions')::int, 0), coalesce((r.facts->>'turns')::int, 0),
         coalesce((r.facts->>'inputTokens')::bigint, 0) + coalesce((r.facts->>'outputTokens')::bigint, 0),
         greatest(r.cost_usd, coalesce((r.facts->>'costUsd')::numeric, 0)),
         coalesce(r.facts->'outcomes', '{}'::jsonb), char_length(s.request), request_resource_count(s.request)
    FROM scenarios s,
         LATERAL (SELECT CASE WHEN r.facts->>'evidence' IN ('ran', 'tested') THEN r.facts->>'evidence'
                              ELSE 'structure' END AS level) ev
   WHERE s.id = r.scenario_id
  ON CONFLICT (run_id) DO UPDATE SET evidence = EXCLUDED.evidence, status = EXCLUDED.status,
    success = EXCLUDED.success, first_pass = EXCLUDED.first_pass, finished_at = EXCLUDED.finished_at,
    duration_ms = EXCLUDED.duration_ms, planning_ms = EXCLUDED.planning_ms,
    implementing_ms = EXCLUDED.implementing_ms, validating_ms = EXCLUDED.validating_ms,
    deploying_ms = EXCLUDED.deploying_ms, sessions = EXCLUDED.sessions, turns = EXCLUDED.turns,
    tokens = EXCLUDED.tokens, cost_usd = EXCLUDED.cost_usd, outcomes = EXCLUDED.outcomes,
    prompt_version = EXCLUDED.prompt_version
$$;

CREATE FUNCTION run_stats_track() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.status IN ('succeeded', 'failed', 'cancelled') AND NEW.finished_at IS NOT NULL THEN
    PERFORM run_stats_upsert(NEW);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER runs_stats_insert AFTER INSERT ON runs FOR EACH ROW EXECUTE FUNCTION run_stats_track();
CREATE TRIGGER runs_stats_update AFTER UPDATE OF status, facts, finished_at ON runs
  FOR EACH ROW EXECUTE FUNCTION run_stats_track();

-- ---------------------------------------------------------------------------------------------
-- Recurring problems: each error signature as an error-tracker issue, keyed by a versioned
-- fingerprint. Counted once per run (signature_runs is the dedupe set), per campaign and day.
ALTER TABLE improvement_patterns
  ADD COLUMN fingerprint text,
  ADD COLUMN stage text,
  ADD COLUMN examples jsonb NOT NULL DEFAULT '[]'::jsonb,
  ADD COLUMN regressed_at timestamptz;
UPDATE improvement_patterns SET fingerprint = 'v1:' || left(md5(signature), 16);
ALTER TABLE improvement_patterns ALTER COLUMN fingerprint SET NOT NULL;
CREATE UNIQUE INDEX improvement_patterns_fingerprint ON improvement_patterns (fingerprint);
CREATE INDEX improvement_patterns_last_seen ON improvement_patterns (last_seen DESC);

CREATE TABLE signature_runs (
  fingerprint text NOT NULL,
  run_id      uuid NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  scenario_id uuid NOT NULL,
  campaign_id uuid NOT NULL,
  seen_at     timestamptz NOT NULL,
  PRIMARY KEY (fingerprint, run_id)
);
CREATE INDEX signature_runs_recent ON signature_runs (fingerprint, seen_at DESC);

CREATE TABLE signature_days (
  fingerprint text NOT NULL,
  campaign_id uuid NOT NULL,
  day         date NOT NULL,
  runs        integer NOT NULL DEFAULT 0,
  PRIMARY KEY (fingerprint, campaign_id, day)
);
CREATE INDEX signature_days_day ON signature_days (day, fingerprint);

-- Runs whose findings were recorded (the denominator of a signature's rate).
CREATE TABLE validated_runs (
  run_id      uuid PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
  campaign_id uuid NOT NULL,
  day         date NOT NULL
);
CREATE INDEX validated_runs_day ON validated_runs (day, campaign_id);

-- A signature seen again after 14 quiet days has regressed (regressed_at marks when).
CREATE FUNCTION signature_record(v validation_results) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  f jsonb;
  fp text;
  camp uuid;
  at timestamptz := v.created_at;
BEGIN
  SELECT campaign_id INTO camp FROM scenarios WHERE id = v.scenario_id;
  INSERT INTO validated_runs (run_id, campaign_id, day) VALUES (v.run_id, camp, (at AT TIME ZONE 'UTC')::date)
  ON CONFLICT DO NOTHING;
  FOR f IN SELECT DISTINCT ON (x->>'signature') x FROM jsonb_array_elements(v.findings) x
            WHERE x->>'severity' = 'error' AND coalesce(x->>'signature', '') <> '' LOOP
    fp := 'v1:' || left(md5(f->>'signature'), 16);
    INSERT INTO signature_runs (fingerprint, run_id, scenario_id, campaign_id, seen_at)
    VALUES (fp, v.run_id, v.scenario_id, camp, at) ON CONFLICT DO NOTHING;
    CONTINUE WHEN NOT FOUND;
    INSERT INTO improvement_patterns AS p (signature, fingerprint, rule_id, phase, stage, description, occurrences,
                                           example_scenarios, examples, first_seen, last_seen)
    VALUES (f->>'signature', fp, f->>'ruleId', v.phase, v.phase || '/' || v.validator, coalesce(f->>'message', ''), 1,
            jsonb_build_array(v.scenario_id),
            jsonb_build_array(jsonb_build_object('runId', v.run_id, 'scenarioId', v.scenario_id,
              'message', coalesce(f->>'message', ''), 'file', f->>'file')), at, at)
    ON CONFLICT (signature) DO UPDATE SET
      occurrences = p.occurrences + 1,
      fingerprint = EXCLUDED.fingerprint,
      stage = coalesce(p.stage, EXCLUDED.stage),
      regressed_at = CASE WHEN p.occurrences > 0 AND EXCLUDED.last_seen > p.last_seen + interval '14 days' THEN EXCLUDED.last_seen
                          ELSE p.regressed_at END,
      first_seen = least(p.first_seen, EXCLUDED.first_seen),
      last_seen = greatest(p.last_seen, EXCLUDED.last_seen),
      examples = CASE WHEN jsonb_array_length(p.examples) < 3 THEN p.examples || EXCLUDED.examples
                      ELSE p.examples END,
      example_scenarios = CASE WHEN p.example_scenarios @> EXCLUDED.example_scenarios
                                 OR jsonb_array_length(p.example_scenarios) >= 20 THEN p.example_scenarios
                               ELSE p.example_scenarios || EXCLUDED.example_scenarios END;
    INSERT INTO signature_days AS d (fingerprint, campaign_id, day, runs)
    VALUES (fp, camp, (at AT TIME ZONE 'UTC')::date, 1)
    ON CONFLICT (fingerprint, campaign_id, day) DO UPDATE SET runs = d.runs + 1;
  END LOOP;
END $$;

CREATE FUNCTION signature_track() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM signature_record(NEW);
  RETURN NULL;
END $$;
CREATE TRIGGER validation_results_signatures AFTER INSERT OR UPDATE OF findings ON validation_results
  FOR EACH ROW EXECUTE FUNCTION signature_track();

-- Rebuilds every table above from runs and validation_results (the first migration of an
-- existing database, and a repair after a restore).
CREATE FUNCTION learning_rebuild() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  r runs;
  v validation_results;
BEGIN
  DELETE FROM run_stats;
  DELETE FROM signature_runs;
  DELETE FROM signature_days;
  DELETE FROM validated_runs;
  UPDATE improvement_patterns SET occurrences = 0, examples = '[]'::jsonb, regressed_at = NULL,
         first_seen = 'infinity', last_seen = '-infinity';
  FOR r IN SELECT * FROM runs WHERE status IN ('succeeded', 'failed', 'cancelled') AND finished_at IS NOT NULL LOOP
    PERFORM run_stats_upsert(r);
  END LOOP;
  FOR v IN SELECT * FROM validation_results ORDER BY created_at LOOP
    PERFORM signature_record(v);
  END LOOP;
  DELETE FROM improvement_patterns p WHERE p.occurrences = 0
     AND NOT EXISTS (SELECT 1 FROM suggestions s WHERE s.pattern_id = p.id);
  UPDATE improvement_patterns SET first_seen = now(), last_seen = now() WHERE occurrences = 0;
END $$;

SELECT learning_rebuild();
