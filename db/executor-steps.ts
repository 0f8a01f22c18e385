import type { Db } from './client.ts';
import type { RunRecord, SerializedError } from './executor.ts';

/**
 * The local executor's steps (executor_steps): what each memoised step of a run recorded, and the
 * hand-over between a parent run and the child it invoked.
 */

/** JSON text for a jsonb parameter; undefined becomes JSON null. */
const j = (v: unknown): string => JSON.stringify(v ?? null);

/** A saved step as the step tools read it. */
export interface StepRow {
  step_key: string;
  kind: 'run' | 'sleep' | 'invoke' | 'event';
  status: 'completed' | 'failed' | 'retrying' | 'sleeping' | 'waiting';
  result: unknown;
  error: SerializedError | null;
  attempts: number;
  wake_at: Date | null;
}

/** The saved steps of a run by key. */
export async function loadSteps(db: Db, runId: string): Promise<Map<string, StepRow>> {
  const rows = await db<StepRow[]>`SELECT step_key, kind, status, result, error, attempts, wake_at
    FROM executor_steps WHERE run_id = ${runId}`;
  return new Map(rows.map((r) => [r.step_key, r]));
}

/** A step's new state. */
export interface StepWrite {
  kind: StepRow['kind'];
  status: StepRow['status'];
  result?: unknown;
  error?: SerializedError;
  attempts?: number;
  wakeAt?: Date;
  childRunId?: string;
  startedAt?: Date;
}

/** Inserts or updates a step row; final statuses get finished_at and duration. */
export async function saveStep(db: Db, runId: string, key: string, s: StepWrite): Promise<void> {
  const started = s.startedAt ?? new Date();
  const final = s.status === 'completed' || s.status === 'failed';
  await db`INSERT INTO executor_steps (run_id, step_key, kind, status, result, error, attempts, wake_at, child_run_id,
                                       started_at, finished_at, duration_ms)
    VALUES (${runId}, ${key}, ${s.kind}, ${s.status}, ${s.result === undefined ? null : j(s.result)}::text::jsonb,
            ${s.error ? j(s.error) : null}::text::jsonb, ${s.attempts ?? 0}, ${s.wakeAt ?? null}, ${s.childRunId ?? null},
            ${started}, ${final ? new Date() : null}, ${final ? Date.now() - started.getTime() : null})
    ON CONFLICT (run_id, step_key) DO UPDATE SET
      status = excluded.status, result = excluded.result, error = excluded.error, attempts = excluded.attempts,
      wake_at = excluded.wake_at, child_run_id = coalesce(excluded.child_run_id, executor_steps.child_run_id),
      finished_at = excluded.finished_at,
      duration_ms = CASE WHEN excluded.finished_at IS NULL THEN NULL
                         ELSE (extract(epoch FROM excluded.finished_at - executor_steps.started_at) * 1000)::integer END`;
}

/**
 * Resolves the invoke step of the parent waiting for a finished child and wakes the parent.
 * Call inside a transaction: it locks the parent row first, like pauseForChild, so a parent
 * going to sleep and its child finishing cannot miss each other.
 */
export async function resolveParentStep(db: Db, child: RunRecord): Promise<void> {
  if (!child.parentRunId || !child.parentStepKey) return;
  await db`SELECT id FROM executor_runs WHERE id = ${child.parentRunId} FOR UPDATE`;
  const error =
    child.status === 'cancelled'
      ? { name: 'Error', message: `Invoked run ${child.id} was cancelled` }
      : child.error;
  await saveStep(db, child.parentRunId, child.parentStepKey, {
    kind: 'invoke',
    status: child.status === 'completed' ? 'completed' : 'failed',
    ...(child.status === 'completed'
      ? { result: child.result }
      : { error: error ?? { name: 'Error', message: 'failed' } }),
    childRunId: child.id,
  });
  await db`UPDATE executor_runs SET status = 'queued', wake_at = NULL, updated_at = now()
    WHERE id = ${child.parentRunId} AND status = 'sleeping'`;
}

/** Puts a running parent to sleep until its invoked child finishes (or queues it if it already has). In a transaction. */
export async function pauseForChild(db: Db, runId: string, stepKey: string): Promise<boolean> {
  await db`SELECT id FROM executor_runs WHERE id = ${runId} FOR UPDATE`;
  const rows = await db`UPDATE executor_runs
       SET status = CASE WHEN EXISTS (SELECT 1 FROM executor_steps WHERE run_id = ${runId} AND step_key = ${stepKey}
                                       AND status = 'waiting') THEN 'sleeping' ELSE 'queued' END,
           wake_at = NULL, attempt = 0, updated_at = now()
     WHERE id = ${runId} AND status = 'running' RETURNING id`;
  return rows.length === 1;
}
