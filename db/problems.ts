import type { Db } from './client.ts';

/**
 * Recurring problems as kept by the validation_results trigger (migration 006): one row per
 * error signature (improvement_patterns, keyed by a `v1:` fingerprint), the runs it affected per
 * campaign and day (signature_days), the runs checked per day (validated_runs), and the most
 * recent runs it affected (signature_runs). With a campaign, counts are that campaign's.
 */
export interface ProblemRow {
  fingerprint: string;
  signature: string;
  ruleId: string | null;
  stage: string | null;
  description: string;
  firstSeen: Date;
  lastSeen: Date;
  regressedAt: Date | null;
  runsAffected: number;
  /** Runs affected in the last 14 days and in the 14 before. */
  recent: number;
  previous: number;
  examples: Array<{ runId: string; scenarioId: string; message: string; file?: string | null }>;
  exampleRuns: Array<{ runId: string; scenarioId: string; seenAt: string }>;
}

const DAY = 86_400_000;
const dayOf = (t: number) => new Date(t).toISOString().slice(0, 10);

/** The signatures seen most recently (up to `limit`), with their counts. */
export async function listProblems(
  db: Db,
  o: { campaignId?: string | undefined; now: Date; limit: number },
): Promise<ProblemRow[]> {
  const now = o.now.getTime();
  const d14 = dayOf(now - 14 * DAY);
  const d28 = dayOf(now - 28 * DAY);
  const camp = o.campaignId ? db`AND campaign_id = ${o.campaignId}` : db``;
  const own = o.campaignId
    ? db`JOIN (SELECT fingerprint, sum(runs)::int AS n, min(day) AS first_day, max(day) AS last_day
                 FROM signature_days WHERE campaign_id = ${o.campaignId} GROUP BY fingerprint) c USING (fingerprint)`
    : db``;
  return db<ProblemRow[]>`
    SELECT p.fingerprint, p.signature, p.rule_id AS "ruleId", p.stage, p.description,
           ${o.campaignId ? db`c.first_day::timestamptz` : db`p.first_seen`} AS "firstSeen",
           ${o.campaignId ? db`c.last_day::timestamptz` : db`p.last_seen`} AS "lastSeen",
           p.regressed_at AS "regressedAt",
           ${o.campaignId ? db`c.n` : db`p.occurrences`} AS "runsAffected",
           coalesce(w.recent, 0)::int AS recent, coalesce(w.previous, 0)::int AS previous,
           p.examples,
           coalesce((SELECT json_agg(json_build_object('runId', x.run_id, 'scenarioId', x.scenario_id, 'seenAt', x.seen_at))
                       FROM (SELECT run_id, scenario_id, seen_at FROM signature_runs sr
                              WHERE sr.fingerprint = p.fingerprint ${camp} ORDER BY seen_at DESC LIMIT 3) x), '[]') AS "exampleRuns"
      FROM improvement_patterns p ${own}
      LEFT JOIN (SELECT fingerprint, sum(runs) FILTER (WHERE day > ${d14}) AS recent,
                        sum(runs) FILTER (WHERE day <= ${d14}) AS previous
                   FROM signature_days WHERE day > ${d28} ${camp} GROUP BY fingerprint) w USING (fingerprint)
     WHERE p.occurrences > 0
     ORDER BY ${o.campaignId ? db`c.last_day` : db`p.last_seen`} DESC, p.occurrences DESC
     LIMIT ${o.limit}`;
}

/** Runs checked per day (validated_runs), oldest first: the denominators. */
export async function checkedPerDay(
  db: Db,
  o: { campaignId?: string | undefined },
): Promise<Array<{ day: string; n: number }>> {
  return db<{ day: string; n: number }[]>`
    SELECT to_char(day, 'YYYY-MM-DD') AS day, count(*)::int AS n FROM validated_runs
     WHERE ${o.campaignId ? db`campaign_id = ${o.campaignId}` : db`true`} GROUP BY day ORDER BY day`;
}

/** Rebuilds the learning tables from runs and validation_results (a repair). */
export async function rebuildLearning(db: Db): Promise<void> {
  await db`SELECT learning_rebuild()`;
}
