import type { Sql } from './client.ts';

/**
 * What GET /metrics reports, read from the database at scrape time: it holds every process's
 * work (an api process and its workers alike) and survives restarts, which in-process counters
 * would not.
 */
export interface MetricsSnapshot {
  runsByStatus: Array<{ status: string; count: number }>;
  sessionsByOutcome: Array<{ agent: string; outcome: string; count: number }>;
  tokens: { input: number; output: number; cacheRead: number; cacheCreation: number };
  /** Sum of every run's cost, in US dollars. */
  costUsd: number;
  /** Runs waiting for a slot (queued). */
  queueDepth: number;
  /** Age of the oldest local-executor run that is due and not picked up, in seconds (0 when none). */
  executorLagSeconds: number;
  /** Finished runs' phase durations, cumulative per upper bound (seconds), with sum and count. */
  phases: Array<{ phase: string; buckets: number[]; sum: number; count: number }>;
}

/** Upper bounds (seconds) of the phase-duration histogram. */
export const PHASE_BUCKETS = [1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600] as const;

const PHASES = ['planning', 'implementing', 'validating', 'deploying'] as const;

/** Reads the snapshot in six aggregate queries. */
export async function readMetrics(sql: Sql): Promise<MetricsSnapshot> {
  const runs = await sql<{ status: string; count: number }[]>`
    SELECT status, count(*)::int AS count FROM runs GROUP BY status ORDER BY status`;
  const sessions = await sql<{ agent: string; outcome: string; count: number }[]>`
    SELECT agent, coalesce(outcome, status) AS outcome, count(*)::int AS count
      FROM agent_interactions GROUP BY 1, 2 ORDER BY 1, 2`;
  const [totals] = await sql<
    { input: string; output: string; cacheRead: string; cacheCreation: string }[]
  >`
    SELECT coalesce(sum(input_tokens), 0)::text AS input,
           coalesce(sum(output_tokens), 0)::text AS output,
           coalesce(sum(cache_read_tokens), 0)::text AS "cacheRead",
           coalesce(sum(cache_creation_tokens), 0)::text AS "cacheCreation"
      FROM agent_interactions`;
  const [cost] = await sql<{ cost: string }[]>`
    SELECT coalesce(sum(cost_usd), 0)::text AS cost FROM runs`;
  const [lag] = await sql<{ seconds: number }[]>`
    SELECT coalesce(extract(epoch FROM now() - min(coalesce(wake_at, updated_at))), 0)::float8
             AS seconds
      FROM executor_runs
     WHERE (status = 'queued' AND (wake_at IS NULL OR wake_at <= now()))
        OR (status = 'sleeping' AND wake_at <= now())`;
  // One pass: each duration's bucket index is the number of bounds it exceeds (≤ bound counts
  // in that bucket: whole milliseconds, so `< bound + 1`); cumulated below.
  const thresholds = PHASE_BUCKETS.map((b) => b * 1000 + 1);
  const rows = await sql<{ phase: string; k: number; n: number; ms: number }[]>`
    SELECT p.phase, width_bucket(p.ms, ${thresholds}::int[]) AS k, count(*)::int AS n,
           sum(p.ms)::float8 AS ms
      FROM run_stats,
           LATERAL (VALUES ('planning', planning_ms), ('implementing', implementing_ms),
                           ('validating', validating_ms), ('deploying', deploying_ms)) AS p(phase, ms)
     WHERE p.ms IS NOT NULL
     GROUP BY 1, 2`;
  const phases = PHASES.map((phase) => {
    const mine = rows.filter((r) => r.phase === phase);
    return {
      phase,
      buckets: PHASE_BUCKETS.map((_, j) =>
        mine.filter((r) => r.k <= j).reduce((a, r) => a + r.n, 0),
      ),
      sum: mine.reduce((a, r) => a + r.ms, 0) / 1000,
      count: mine.reduce((a, r) => a + r.n, 0),
    };
  });
  return {
    runsByStatus: runs,
    sessionsByOutcome: sessions,
    tokens: {
      input: Number(totals?.input ?? 0),
      output: Number(totals?.output ?? 0),
      cacheRead: Number(totals?.cacheRead ?? 0),
      cacheCreation: Number(totals?.cacheCreation ?? 0),
    },
    costUsd: Number(cost?.cost ?? 0),
    queueDepth: runs.find((r) => r.status === 'queued')?.count ?? 0,
    executorLagSeconds: Math.max(0, lag?.seconds ?? 0),
    phases,
  };
}
