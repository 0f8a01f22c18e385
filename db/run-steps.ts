import type { StepKind, StepStatus } from '../core/domain.ts';
import type { Db } from './client.ts';

/**
 * The human-facing timeline of a run (run_steps): each pipeline step with its status and
 * duration. The engine keeps its own memo; this is what the dashboard shows.
 */
export interface StepRow {
  stepKey: string;
  phase: string | null;
  iteration: number | null;
  name: string;
  kind: StepKind;
  status: StepStatus;
  attempt: number;
  message: string | null;
  wakeAt: Date | null;
  startedAt: Date;
  finishedAt: Date | null;
  durationMs: number | null;
}

export async function stepStarted(
  db: Db,
  s: {
    runId: string;
    stepKey: string;
    phase?: string;
    iteration?: number;
    name: string;
    kind?: string;
    status?: 'running' | 'sleeping';
    wakeAt?: Date | null;
    message?: string;
  },
): Promise<void> {
  await db`
    INSERT INTO run_steps (run_id, step_key, phase, iteration, name, kind, status, wake_at, message)
    VALUES (${s.runId}, ${s.stepKey}, ${s.phase ?? null}, ${s.iteration ?? null}, ${s.name}, ${s.kind ?? 'run'}, ${s.status ?? 'running'}, ${s.wakeAt ?? null}, ${s.message ?? null})
    ON CONFLICT (run_id, step_key) DO UPDATE SET status = EXCLUDED.status, attempt = run_steps.attempt + 1,
      started_at = now(), finished_at = NULL, duration_ms = NULL, wake_at = EXCLUDED.wake_at, message = EXCLUDED.message`;
}

export async function stepFinished(
  db: Db,
  runId: string,
  stepKey: string,
  status: 'completed' | 'failed',
  message?: string,
  result?: unknown,
): Promise<void> {
  await db`
    UPDATE run_steps SET status = ${status}, finished_at = now(), message = coalesce(${message ?? null}, message),
           duration_ms = (extract(epoch FROM (now() - started_at)) * 1000)::int,
           result = ${result === undefined ? null : db.json(result as never)}
     WHERE run_id = ${runId} AND step_key = ${stepKey}`;
}

export async function listSteps(db: Db, runId: string): Promise<StepRow[]> {
  return db<StepRow[]>`
    SELECT step_key AS "stepKey", phase, iteration, name, kind, status, attempt, message, wake_at AS "wakeAt",
           started_at AS "startedAt", finished_at AS "finishedAt", duration_ms AS "durationMs"
      FROM run_steps WHERE run_id = ${runId} ORDER BY id`;
}
