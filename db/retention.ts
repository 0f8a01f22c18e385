import type { Db } from './client.ts';

/**
 * Queries of the retention housekeeping (inngest/housekeeping.ts): which transcripts and bundles
 * have expired, and marking the rows whose objects were deleted (db/migrations/013_retention.sql).
 */
export interface Expired {
  id: string;
  key: string;
}

/** Stored transcripts of sessions that ended before `before`, oldest first. */
export function expiredTranscripts(db: Db, before: Date, limit: number): Promise<Expired[]> {
  return db<Expired[]>`
    SELECT id, transcript_key AS key FROM agent_interactions
     WHERE transcript_key IS NOT NULL AND transcript_pruned_at IS NULL
       AND status = 'finished' AND finished_at < ${before}
     ORDER BY finished_at LIMIT ${limit}`;
}

export async function markTranscriptsPruned(db: Db, ids: string[]): Promise<number> {
  if (ids.length === 0) return 0;
  const r = await db`
    UPDATE agent_interactions SET transcript_pruned_at = now()
     WHERE id = ANY(${ids}::uuid[]) AND transcript_pruned_at IS NULL`;
  return r.count;
}

/**
 * Bundles and archives older than a scenario's `keep`-th newest deployed (succeeded) run. Kept
 * whatever their age: those of that run and every later run (finished or not), of the runs they
 * descend from (retries restore from parents), and every object a kept run names in its facts'
 * keys (a rollback's bundle, the plan and bundles a retry took over). Runs not finished are never
 * touched. Scenarios with fewer than `keep` deployed runs lose nothing.
 */
export function expiredBundles(db: Db, keep: number, limit: number): Promise<Expired[]> {
  return db<Expired[]>`
    WITH RECURSIVE deployed AS (
      SELECT scenario_id, number,
             row_number() OVER (PARTITION BY scenario_id ORDER BY number DESC) AS rn
        FROM runs WHERE status = 'succeeded'
    ), cutoff AS (
      SELECT scenario_id, number FROM deployed WHERE rn = ${keep}
    ), kept AS (
      SELECT r.id, r.parent_run_id FROM runs r JOIN cutoff c ON c.scenario_id = r.scenario_id
       WHERE r.number >= c.number OR r.status NOT IN ('succeeded', 'failed', 'cancelled')
      UNION
      SELECT p.id, p.parent_run_id FROM runs p JOIN kept k ON p.id = k.parent_run_id
    ), kept_keys AS (
      SELECT DISTINCT e.value AS key
        FROM kept JOIN runs r ON r.id = kept.id,
             jsonb_each_text(CASE WHEN jsonb_typeof(r.facts -> 'keys') = 'object'
                                  THEN r.facts -> 'keys' ELSE '{}'::jsonb END) AS e
    )
    SELECT a.id, a.object_key AS key
      FROM artifacts a
      JOIN runs r ON r.id = a.run_id
      JOIN cutoff c ON c.scenario_id = a.scenario_id
     WHERE a.pruned_at IS NULL AND r.number < c.number
       AND r.status IN ('succeeded', 'failed', 'cancelled')
       AND NOT EXISTS (SELECT 1 FROM kept WHERE kept.id = r.id)
       AND NOT EXISTS (SELECT 1 FROM kept_keys WHERE kept_keys.key = a.object_key)
     ORDER BY a.created_at LIMIT ${limit}`;
}

export async function markArtifactsPruned(db: Db, ids: string[]): Promise<number> {
  if (ids.length === 0) return 0;
  const r = await db`
    UPDATE artifacts SET pruned_at = now() WHERE id = ANY(${ids}::uuid[]) AND pruned_at IS NULL`;
  return r.count;
}

/** When housekeeping removed an artifact's object (undefined: it is still there). */
export async function artifactPrunedAt(db: Db, id: string): Promise<Date | undefined> {
  const [row] = await db<{ prunedAt: Date | null }[]>`
    SELECT pruned_at AS "prunedAt" FROM artifacts WHERE id = ${id}`;
  return row?.prunedAt ?? undefined;
}

/**
 * Which of these object keys housekeeping removed, and when (the earliest removal of each key):
 * a retry must not restore from them.
 */
export async function prunedObjectKeys(db: Db, keys: string[]): Promise<Map<string, Date>> {
  if (keys.length === 0) return new Map();
  const rows = await db<{ key: string; prunedAt: Date }[]>`
    SELECT object_key AS key, min(pruned_at) AS "prunedAt" FROM artifacts
     WHERE object_key = ANY(${keys}::text[]) AND pruned_at IS NOT NULL
     GROUP BY object_key`;
  return new Map(rows.map((r) => [r.key, r.prunedAt]));
}

/** When housekeeping removed a session's transcript (undefined: it is still there). */
export async function transcriptPrunedAt(db: Db, sessionId: string): Promise<Date | undefined> {
  const [row] = await db<{ prunedAt: Date | null }[]>`
    SELECT transcript_pruned_at AS "prunedAt" FROM agent_interactions
     WHERE session_id = ${sessionId}`;
  return row?.prunedAt ?? undefined;
}
