import type { Db } from './client.ts';

/** A recent run's performance (the run_performance view). */
export interface RunPerformance {
  runId: string;
  scenarioId: string;
  campaignId: string;
  complexity: string;
  status: string;
  failureClass: string | null;
  durationMs: number | null;
  sessions: number;
  turns: number;
  tokens: number;
  costUsd: number;
  firstPassValid: boolean | null;
  createdAt: Date;
}

/** A recurring error signature the learning loop tracks. */
export interface ErrorPattern {
  signature: string;
  ruleId: string | null;
  phase: string | null;
  description: string;
  occurrences: number;
  firstSeen: Date;
  lastSeen: Date;
}

/**
 * Success metrics and performance data for the dashboard and the learning loop: per-campaign
 * success, recent runs' durations / sessions / tokens / cost / first-pass validation (the
 * run_performance view), and the most frequent error signatures.
 */
export async function analytics(db: Db, opts: { campaignId?: string; limit?: number } = {}) {
  const limit = opts.limit ?? 50;
  const where = opts.campaignId ? db`campaign_id = ${opts.campaignId}` : db`true`;
  const [summary] = await db<
    {
      runs: number;
      succeeded: number;
      failed: number;
      cancelled: number;
      first_pass: number;
      judged: number;
      cost: number;
      median_ms: number | null;
    }[]
  >`
    SELECT count(*)::int AS runs,
           count(*) FILTER (WHERE status = 'succeeded')::int AS succeeded,
           count(*) FILTER (WHERE status = 'failed')::int AS failed,
           count(*) FILTER (WHERE status = 'cancelled')::int AS cancelled,
           count(*) FILTER (WHERE first_pass_valid)::int AS first_pass,
           count(first_pass_valid)::int AS judged,
           coalesce(sum(cost_usd), 0)::numeric AS cost,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY duration_ms) AS median_ms
      FROM run_performance WHERE ${where}`;
  const recent = await db<RunPerformance[]>`
    SELECT run_id AS "runId", scenario_id AS "scenarioId", campaign_id AS "campaignId", complexity, status, failure_class AS "failureClass",
           duration_ms AS "durationMs", sessions::int, turns::int, tokens::bigint, cost_usd AS "costUsd", first_pass_valid AS "firstPassValid", created_at AS "createdAt"
      FROM run_performance WHERE ${where} ORDER BY created_at DESC LIMIT ${limit}`;
  const failures = await db<{ failureClass: string; n: number }[]>`
    SELECT failure_class AS "failureClass", count(*)::int AS n FROM run_performance WHERE ${where} AND failure_class IS NOT NULL GROUP BY 1 ORDER BY 2 DESC`;
  const patterns = await db<ErrorPattern[]>`
    SELECT signature, rule_id AS "ruleId", phase, description, occurrences, first_seen AS "firstSeen", last_seen AS "lastSeen"
      FROM improvement_patterns WHERE active ORDER BY occurrences DESC, last_seen DESC LIMIT 20`;
  const s = summary!;
  return {
    summary: {
      runs: s.runs,
      succeeded: s.succeeded,
      failed: s.failed,
      cancelled: s.cancelled,
      successRate:
        s.succeeded + s.failed
          ? Math.round((1000 * s.succeeded) / (s.succeeded + s.failed)) / 10
          : null,
      firstPassRate: s.judged ? Math.round((1000 * s.first_pass) / s.judged) / 10 : null,
      costUsd: s.cost,
      medianDurationMs: s.median_ms,
    },
    failures,
    patterns,
    recent,
  };
}
