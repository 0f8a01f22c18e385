-- Analytics by agent: the agent that ran most of a run's sessions, kept on run_stats.
ALTER TABLE run_stats ADD COLUMN agent text NOT NULL DEFAULT 'claude-code';

CREATE FUNCTION run_stats_agent() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.agent := coalesce(
    (SELECT agent FROM agent_interactions WHERE run_id = NEW.run_id
      GROUP BY agent ORDER BY count(*) DESC, agent LIMIT 1),
    NEW.agent);
  RETURN NEW;
END $$;

CREATE TRIGGER run_stats_agent BEFORE INSERT OR UPDATE ON run_stats
  FOR EACH ROW EXECUTE FUNCTION run_stats_agent();

UPDATE run_stats SET agent = agent;
