-- Campaign totals over every run, not each scenario's latest one: cost sums all runs, and a
-- scenario counts as deployed while a deployed version exists (deployed_at), even when a later
-- re-run failed or was cancelled. "Failed" counts only scenarios that never deployed.
CREATE OR REPLACE VIEW campaign_metrics AS
SELECT c.id AS campaign_id,
       count(s.id) FILTER (WHERE NOT s.archived)                                                AS scenario_count,
       count(s.id) FILTER (WHERE s.deployed_at IS NOT NULL AND NOT s.archived)                  AS deployed_count,
       count(s.id) FILTER (WHERE s.status = 'failed' AND s.deployed_at IS NULL AND NOT s.archived) AS failed_count,
       count(s.id) FILTER (WHERE s.status IN ('queued', 'planning', 'implementing', 'validating', 'deploying', 'sleeping') AND NOT s.archived) AS active_count,
       CASE WHEN count(s.id) FILTER (WHERE (s.deployed_at IS NOT NULL OR s.status = 'failed') AND NOT s.archived) = 0 THEN NULL
            ELSE round(100.0 * count(s.id) FILTER (WHERE s.deployed_at IS NOT NULL AND NOT s.archived)
                 / count(s.id) FILTER (WHERE (s.deployed_at IS NOT NULL OR s.status = 'failed') AND NOT s.archived), 1) END AS success_rate,
       coalesce((SELECT sum(r.cost_usd) FROM runs r JOIN scenarios rs ON rs.id = r.scenario_id
                  WHERE rs.campaign_id = c.id AND NOT rs.archived), 0)                          AS cost_usd
  FROM campaigns c LEFT JOIN scenarios s ON s.campaign_id = c.id
 GROUP BY c.id;
