import type { Phase } from '../core/domain.ts';
import type { Db } from './client.ts';

/**
 * How the pipeline moves a run (and its scenario's mirror columns) through its life. Every
 * update only touches a run that is still in flight and a scenario whose current run it is, so
 * a late step of a cancelled run changes nothing.
 */
const LIVE = ['queued', 'running', 'sleeping'];

/** Run enters a phase; the scenario's status becomes that phase. Returns false if the run is over. */
export async function enterPhase(
  db: Db,
  runId: string,
  phase: Phase,
  iteration = 0,
): Promise<boolean> {
  // One statement: a cancel can never land between the run's update and the scenario's.
  const [row] = await db<{ n: number }[]>`
    WITH r AS (
      UPDATE runs SET status = 'running', phase = ${phase}, wake_at = NULL, started_at = coalesce(started_at, now())
       WHERE id = ${runId} AND status IN ${db(LIVE)} RETURNING scenario_id),
    s AS (
      UPDATE scenarios SET status = ${phase}, phase = ${phase}, iteration = ${iteration}, updated_at = now(),
             started_at = coalesce(started_at, now())
        FROM r WHERE scenarios.id = r.scenario_id AND scenarios.current_run_id = ${runId} RETURNING 1)
    SELECT (SELECT count(*) FROM r)::int AS n`;
  return (row?.n ?? 0) > 0;
}

/** Run sleeps until `wakeAt` (usage limit). */
export async function markSleeping(
  db: Db,
  runId: string,
  wakeAt: Date,
  reason: string,
): Promise<boolean> {
  const [row] = await db<{ n: number }[]>`
    WITH r AS (
      UPDATE runs SET status = 'sleeping', wake_at = ${wakeAt}
       WHERE id = ${runId} AND status IN ${db(LIVE)} RETURNING scenario_id),
    s AS (
      UPDATE scenarios SET status = 'sleeping', last_action = ${reason}, updated_at = now()
        FROM r WHERE scenarios.id = r.scenario_id AND scenarios.current_run_id = ${runId} RETURNING 1)
    SELECT (SELECT count(*) FROM r)::int AS n`;
  return (row?.n ?? 0) > 0;
}

export interface RunEnd {
  status: 'succeeded' | 'failed' | 'cancelled';
  failureClass?: string | null;
  error?: string | null;
  facts?: Record<string, unknown>;
}

/** Finishes the run and the scenario (deployed / failed / cancelled). Idempotent. */
export async function finishRun(db: Db, runId: string, end: RunEnd): Promise<boolean> {
  const rows = await db`
    UPDATE runs SET status = ${end.status}, failure_class = ${end.failureClass ?? null}, error = ${end.error ?? null},
           facts = facts || ${db.json((end.facts ?? {}) as never)}, finished_at = now(), wake_at = NULL
     WHERE id = ${runId} AND status IN ${db(LIVE)} RETURNING scenario_id`;
  if (!rows.length) return false;
  const scenarioStatus = end.status === 'succeeded' ? 'deployed' : end.status;
  await db`
    UPDATE scenarios SET status = ${scenarioStatus}, error = ${end.error ?? null}, finished_at = now(), updated_at = now(),
           progress = CASE WHEN ${end.status} = 'succeeded' THEN 100 ELSE progress END,
           deployed_at = CASE WHEN ${end.status} = 'succeeded' THEN now() ELSE deployed_at END
     WHERE id = ${rows[0]!.scenario_id as string} AND current_run_id = ${runId}`;
  return true;
}

/** Adds cost to the run and its scenario. */
export async function addCost(db: Db, runId: string, usd: number): Promise<void> {
  if (!usd) return;
  const rows =
    await db`UPDATE runs SET cost_usd = cost_usd + ${usd} WHERE id = ${runId} RETURNING scenario_id`;
  if (rows.length) {
    await db`UPDATE scenarios SET cost_usd = cost_usd + ${usd} WHERE id = ${rows[0]!.scenario_id as string} AND current_run_id = ${runId}`;
  }
}

/** Merges analytics facts into the run. */
export async function mergeFacts(
  db: Db,
  runId: string,
  facts: Record<string, unknown>,
): Promise<void> {
  await db`UPDATE runs SET facts = facts || ${db.json(facts as never)} WHERE id = ${runId}`;
}
