import type { Db } from './client.ts';

/** The latest run of each campaign whose runs met a recurring problem (its fingerprint). */
export async function latestRunPerCampaign(db: Db, fingerprint: string): Promise<string[]> {
  const rows = await db<{ runId: string }[]>`
    SELECT DISTINCT ON (campaign_id) run_id AS "runId" FROM signature_runs
     WHERE fingerprint = ${fingerprint} ORDER BY campaign_id, seen_at DESC`;
  return rows.map((r) => r.runId);
}
