import { getSetting } from './settings.ts';
import type { Db } from './client.ts';

/** Server-wide spending caps (the `spend-caps` setting), in USD; null or absent: none. */
export interface SpendCaps {
  /** What one run may spend. */
  runUsd?: number | null;
  /** What all runs together may spend in a day (UTC). */
  dailyUsd?: number | null;
}

/** A cap a run has reached, with what it allows and what was spent. */
export interface CapReached {
  cap: 'run' | 'campaign' | 'daily';
  limitUsd: number;
  spentUsd: number;
}

export async function spendCaps(db: Db): Promise<SpendCaps> {
  return (await getSetting<SpendCaps>(db, 'spend-caps')) ?? {};
}

/**
 * The first cap the run has reached, if any: its own spend against the per-run cap, its
 * campaign's spend over every run against the campaign's cap, and today's spend of every agent
 * session against the daily cap. Checked at step boundaries, so a raised cap counts at once.
 */
export async function spendCapReached(
  db: Db,
  ref: { runId: string; campaignId: string },
): Promise<CapReached | null> {
  const caps = await spendCaps(db);
  const [row] = await db<
    { run: number; campaign: number; campaignCap: number | null; today: number }[]
  >`
    SELECT (SELECT cost_usd FROM runs WHERE id = ${ref.runId})::float8 AS run,
           (SELECT coalesce(sum(r.cost_usd), 0) FROM runs r JOIN scenarios s ON s.id = r.scenario_id
             WHERE s.campaign_id = ${ref.campaignId})::float8 AS campaign,
           (SELECT budget_usd FROM campaigns WHERE id = ${ref.campaignId})::float8 AS "campaignCap",
           (SELECT coalesce(sum(cost_usd), 0) FROM agent_interactions
             WHERE started_at >= date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC')::float8 AS today`;
  if (!row) return null;
  const checks: CapReached[] = [];
  if (caps.runUsd) checks.push({ cap: 'run', limitUsd: caps.runUsd, spentUsd: row.run ?? 0 });
  if (row.campaignCap)
    checks.push({ cap: 'campaign', limitUsd: row.campaignCap, spentUsd: row.campaign });
  if (caps.dailyUsd) checks.push({ cap: 'daily', limitUsd: caps.dailyUsd, spentUsd: row.today });
  return checks.find((c) => c.spentUsd >= c.limitUsd) ?? null;
}
