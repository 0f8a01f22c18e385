import type { Sql } from '../../../db/client.ts';

/**
 * A year of history for the analytics benchmark, written in set-based statements so the
 * database's triggers (migration 006) build run_stats and the recurring-problem tables as they
 * do in use: 20 campaigns, 50,000 scenarios with two runs each (100,000 finished runs, success
 * depending on category and complexity, evidence levels mixed), one validation result per run
 * with 10 findings (4 errors over 300 skewed signatures, 6 warnings): 1,000,000 findings.
 */
export async function seedHistory(
  sql: Sql,
  log: (m: string) => void,
): Promise<{ campaignIds: string[]; counts: Record<string, number> }> {
  await sql`SELECT setseed(0.13)`;
  const campaigns = await sql<{ id: string }[]>`
    INSERT INTO campaigns (name) SELECT 'Bench ' || g FROM generate_series(1, 20) g RETURNING id`;
  await sql`
    INSERT INTO scenarios (campaign_id, slug, title, request, complexity, category, status)
    SELECT c.id, 's-' || g, 'Scenario ' || g,
           'Build app ' || g || CASE g % 4 WHEN 0 THEN ' with postgres and redis' WHEN 1 THEN ' with minio, n8n and ollama' ELSE '' END,
           (ARRAY['simple', 'intermediate', 'advanced'])[1 + g % 3],
           (ARRAY['productivity', 'games', 'ai-tools', 'finance', 'media', 'devops', 'education', 'health'])[1 + (g * 7) % 8],
           'deployed'
      FROM generate_series(0, 49999) g
      JOIN (SELECT id, (row_number() OVER (ORDER BY id) - 1)::int AS i FROM campaigns) c ON c.i = g % 20`;
  log('seed: 50,000 scenarios');
  await sql`
    INSERT INTO runs (scenario_id, number, status, created_at, started_at, finished_at, cost_usd, facts)
    SELECT id, n, CASE WHEN ok OR structure THEN 'succeeded' WHEN cancel THEN 'cancelled' ELSE 'failed' END,
           t, t + q, t + q + d, cost,
           jsonb_build_object('evidence', CASE WHEN ok THEN (CASE WHEN random() < 0.5 THEN 'tested' ELSE 'ran' END) ELSE 'structure' END,
             'phaseMs', jsonb_build_object('planning', (d_ms * 0.2)::int, 'implementing', (d_ms * 0.6)::int,
                                           'validating', (d_ms * 0.15)::int, 'deploying', (d_ms * 0.05)::int),
             'sessions', 3, 'turns', 10 + (random() * 40)::int, 'inputTokens', 20000, 'outputTokens', 4000,
             'costUsd', cost, 'firstPassValid', random() < CASE WHEN ok THEN 0.75 ELSE 0.3 END,
             'outcomes', CASE WHEN ok THEN '{"success": 3}'::jsonb ELSE '{"success": 2, "error": 1}'::jsonb END)
      FROM (SELECT s.id, n, now() - random() * interval '365 days' AS t,
                   (random() * 60000)::int * interval '1 millisecond' AS q,
                   (60000 + random() * 1500000)::int AS d_ms, round((0.1 + random() * 3)::numeric, 4) AS cost,
                   random() < 1 / (1 + exp(-(0.4 + CASE s.category WHEN 'productivity' THEN 1.2 WHEN 'finance' THEN -1.4 WHEN 'ai-tools' THEN -0.7 ELSE 0 END
                                      + CASE s.complexity WHEN 'simple' THEN 0.8 WHEN 'advanced' THEN -1.1 ELSE 0 END))) AS ok,
                   random() < 0.2 AS structure, random() < 0.03 AS cancel
              FROM scenarios s, generate_series(1, 2) n) x,
           LATERAL (SELECT d_ms * interval '1 millisecond' AS d) dd`;
  log('seed: 100,000 runs');
  // In batches of 2,000 runs, oldest first, each its own transaction as results arrive in use: a
  // single statement would update the same few hundred pattern rows 400,000 times in one
  // transaction, which no real use does.
  const ids = (await sql<{ id: string }[]>`SELECT id FROM runs ORDER BY created_at`).map(
    (r) => r.id,
  );
  for (let i = 0; i < ids.length; i += 2000) {
    const batch = ids.slice(i, i + 2000);
    await sql`
      INSERT INTO validation_results (run_id, scenario_id, validator, profile, attempt, passed, error_count, warning_count, findings, created_at)
      SELECT r.id, r.scenario_id, 'builtin', 'vrooli-2025-08-07', 1, false, 4, 6,
             (SELECT jsonb_agg(jsonb_build_object('severity', CASE WHEN i <= 4 THEN 'error' ELSE 'warning' END,
                       'ruleId', 'rule.' || k, 'message', 'Problem ' || k || ' in file ' || i || '.json',
                       'signature', 'rule.' || k || '|$.path[*]'))
                FROM generate_series(1, 10) i,
                     LATERAL (SELECT floor(300 * power(random(), 3))::int + (i - i) + (r.number - r.number) AS k) kk),
             r.started_at + interval '5 minutes'
        FROM runs r WHERE r.id IN ${sql(batch)} ORDER BY r.created_at`;
    if (i % 20000 === 0) log(`seed: validation results ${i}…`);
  }
  log('seed: 100,000 validation results, 1,000,000 findings');
  await sql`ANALYZE`;
  const [counts] = await sql<Record<string, number>[]>`
    SELECT (SELECT count(*)::int FROM runs) AS runs, (SELECT count(*)::int FROM run_stats) AS "runStats",
           (SELECT sum(jsonb_array_length(findings))::int FROM validation_results) AS findings,
           (SELECT count(*)::int FROM improvement_patterns) AS signatures,
           (SELECT count(*)::int FROM signature_runs) AS "signatureRuns"`;
  return { campaignIds: campaigns.map((c) => c.id), counts: counts! };
}
