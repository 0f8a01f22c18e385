import type { Db } from './client.ts';

/**
 * The local executor's state (inngest/engine/local/): queries on executor_events / executor_runs /
 * executor_steps (db/migrations/002_executor.sql).
 */

/** Lifecycle of a run; the last three are final. */
export type RunStatus = 'queued' | 'running' | 'sleeping' | 'completed' | 'failed' | 'cancelled';

/** A serialised error, as stored in `executor_runs.error` / `executor_steps.error`. */
export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  code?: string;
}

/** One function run as the executor stores it. */
export interface RunRecord {
  id: string;
  functionId: string;
  /** 'failure': the run of a function's onFailure handler for the failed run `parentRunId`. */
  kind: 'handler' | 'failure';
  event: { id: string; name: string; data: unknown };
  status: RunStatus;
  attempt: number;
  wakeAt: Date | null;
  result: unknown;
  error: SerializedError | null;
  parentRunId: string | null;
  /** Set on a child started by `step.invoke`: the parent's step that waits for it. */
  parentStepKey: string | null;
  concurrencyKeys: string[];
  createdAt: Date;
  finishedAt: Date | null;
}

interface RunRow {
  id: string;
  function_id: string;
  kind: 'handler' | 'failure';
  event: RunRecord['event'];
  status: RunStatus;
  attempt: number;
  wake_at: Date | null;
  result: unknown;
  error: SerializedError | null;
  parent_run_id: string | null;
  parent_step_key: string | null;
  concurrency_keys: string[];
  created_at: Date;
  finished_at: Date | null;
}

const toRecord = (r: RunRow): RunRecord => ({
  id: r.id,
  functionId: r.function_id,
  kind: r.kind,
  event: r.event,
  status: r.status,
  attempt: r.attempt,
  wakeAt: r.wake_at,
  result: r.result,
  error: r.error,
  parentRunId: r.parent_run_id,
  parentStepKey: r.parent_step_key,
  concurrencyKeys: r.concurrency_keys,
  createdAt: r.created_at,
  finishedAt: r.finished_at,
});

/** JSON text for a jsonb parameter; undefined becomes JSON null. */
const j = (v: unknown): string => JSON.stringify(v ?? null);
const FINAL: RunStatus[] = ['completed', 'failed', 'cancelled'];

/** Records an event id; false when it was seen before (the event must be dropped). */
export async function recordEvent(
  db: Db,
  id: string,
  name: string,
  data: unknown,
): Promise<boolean> {
  const rows =
    await db`INSERT INTO executor_events (id, name, data) VALUES (${id}, ${name}, ${j(data)}::text::jsonb)
    ON CONFLICT (id) DO NOTHING RETURNING id`;
  return rows.length === 1;
}

/** A run to insert. */
export interface NewRun {
  functionId: string;
  kind?: 'handler' | 'failure';
  event: RunRecord['event'];
  concurrencyKeys: string[];
  /** A run whose event data is invalid is inserted already failed. */
  error?: SerializedError;
  parentRunId?: string;
  parentStepKey?: string;
}

/** Inserts a queued run (or, with `error`, one failed at once). */
export async function insertRun(db: Db, run: NewRun): Promise<RunRecord> {
  const failed = run.error !== undefined;
  const [row] = await db<RunRow[]>`
    INSERT INTO executor_runs (function_id, kind, event, event_id, status, concurrency_keys, error,
                               parent_run_id, parent_step_key, finished_at)
    VALUES (${run.functionId}, ${run.kind ?? 'handler'}, ${j(run.event)}::text::jsonb, ${run.event.id},
            ${failed ? 'failed' : 'queued'}, ${db.array(run.concurrencyKeys)}::text[], ${failed ? j(run.error) : null}::text::jsonb,
            ${run.parentRunId ?? null}, ${run.parentStepKey ?? null}, ${failed ? new Date() : null})
    RETURNING *`;
  return toRecord(row!);
}

/** One run by id. */
export async function getRun(db: Db, id: string): Promise<RunRecord | undefined> {
  const [row] = await db<RunRow[]>`SELECT * FROM executor_runs WHERE id = ${id}`;
  return row && toRecord(row);
}

/** Runs matching every given filter, oldest first. */
export async function listRuns(
  db: Db,
  f: { eventId?: string; parentRunId?: string; functionId?: string },
): Promise<RunRecord[]> {
  const rows = await db<RunRow[]>`SELECT * FROM executor_runs
    WHERE (${f.eventId ?? null}::text IS NULL OR event_id = ${f.eventId ?? null})
      AND (${f.parentRunId ?? null}::uuid IS NULL OR parent_run_id = ${f.parentRunId ?? null})
      AND (${f.functionId ?? null}::text IS NULL OR function_id = ${f.functionId ?? null})
    ORDER BY seq`;
  return rows.map(toRecord);
}

/** Runs of the given functions due now, oldest first: queued (past any back-off) or sleeping past their wake time. */
export async function dueRuns(
  db: Db,
  functionIds: string[],
  now: Date,
  limit: number,
): Promise<Pick<RunRecord, 'id' | 'functionId' | 'concurrencyKeys'>[]> {
  const rows = await db<{ id: string; function_id: string; concurrency_keys: string[] }[]>`
    SELECT id, function_id, concurrency_keys FROM executor_runs
     WHERE status IN ('queued', 'sleeping') AND function_id = ANY(${db.array(functionIds)}::text[])
       AND ((status = 'queued' AND (wake_at IS NULL OR wake_at <= ${now})) OR (status = 'sleeping' AND wake_at <= ${now}))
     ORDER BY seq LIMIT ${limit}`;
  return rows.map((r) => ({
    id: r.id,
    functionId: r.function_id,
    concurrencyKeys: r.concurrency_keys,
  }));
}

/** Claims a due run for execution; undefined when someone else claimed it or it is not due. */
export async function claimRun(db: Db, id: string, now: Date): Promise<RunRecord | undefined> {
  const [row] = await db<RunRow[]>`UPDATE executor_runs
       SET status = 'running', wake_at = NULL, updated_at = now(), started_at = coalesce(started_at, now())
     WHERE id = ${id}
       AND ((status = 'queued' AND (wake_at IS NULL OR wake_at <= ${now})) OR (status = 'sleeping' AND wake_at <= ${now}))
     RETURNING *`;
  return row && toRecord(row);
}

/** The earliest future wake-up of any unfinished run. */
export async function nextWake(db: Db, now: Date): Promise<Date | null> {
  const [row] = await db<{ at: Date | null }[]>`SELECT min(wake_at) AS at FROM executor_runs
    WHERE status IN ('queued', 'sleeping') AND wake_at > ${now}`;
  return row?.at ?? null;
}

/** Moves a running run to queued/sleeping (pause points); false when it is no longer running. */
export async function pauseRun(
  db: Db,
  id: string,
  status: 'queued' | 'sleeping',
  wakeAt: Date | null,
  attempt: number,
): Promise<boolean> {
  const rows =
    await db`UPDATE executor_runs SET status = ${status}, wake_at = ${wakeAt}, attempt = ${attempt}, updated_at = now()
    WHERE id = ${id} AND status = 'running' RETURNING id`;
  return rows.length === 1;
}

/** Finishes a run that is in one of `from`; undefined when it was not. */
export async function finishRun(
  db: Db,
  id: string,
  from: RunStatus[],
  status: RunStatus,
  result: unknown,
  error: SerializedError | null,
): Promise<RunRecord | undefined> {
  const [row] = await db<RunRow[]>`UPDATE executor_runs
       SET status = ${status}, result = ${j(result)}::text::jsonb, error = ${error ? j(error) : null}::text::jsonb,
           wake_at = NULL, updated_at = now(), finished_at = now()
     WHERE id = ${id} AND status = ANY(${db.array(from)}::text[]) RETURNING *`;
  return row && toRecord(row);
}

/** Puts runs left `running` by a dead process back in the queue. */
export async function requeueInterrupted(db: Db, except: string[]): Promise<number> {
  const rows = await db`UPDATE executor_runs SET status = 'queued', updated_at = now()
    WHERE status = 'running' AND id <> ALL(${db.array(except)}::uuid[]) RETURNING id`;
  return rows.length;
}

/** Unfinished runs of a function whose event data field equals `value`. */
export async function unfinishedByField(
  db: Db,
  functionId: string,
  field: string,
  value: unknown,
): Promise<string[]> {
  const rows = await db<{ id: string }[]>`SELECT id FROM executor_runs
    WHERE function_id = ${functionId} AND kind = 'handler' AND status <> ALL(${db.array(FINAL)}::text[])
      AND event -> 'data' -> ${field}::text = ${j(value)}::text::jsonb`;
  return rows.map((r) => r.id);
}

/** Unfinished runs invoked by `parentId` (failure runs excluded). */
export async function unfinishedChildren(db: Db, parentId: string): Promise<string[]> {
  const rows = await db<{ id: string }[]>`SELECT id FROM executor_runs
    WHERE parent_run_id = ${parentId} AND parent_step_key IS NOT NULL AND status <> ALL(${db.array(FINAL)}::text[])`;
  return rows.map((r) => r.id);
}

/** Of the given runs, those already finished (cancelled by another process, for instance). */
export async function finishedAmong(db: Db, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await db<{ id: string }[]>`
    SELECT id FROM executor_runs
     WHERE id = ANY(${db.array(ids)}::uuid[]) AND status IN ('completed', 'failed', 'cancelled')`;
  return rows.map((r) => r.id);
}

/** Deletes finished runs (their steps go with them) and events older than `before`. */
export async function pruneFinished(
  db: Db,
  before: Date,
): Promise<{ runs: number; events: number }> {
  const runs = await db`
    DELETE FROM executor_runs WHERE finished_at < ${before}
       AND status IN ('completed', 'failed', 'cancelled')
       AND NOT EXISTS (SELECT 1 FROM executor_runs c WHERE c.parent_run_id = executor_runs.id
                         AND c.status NOT IN ('completed', 'failed', 'cancelled'))`;
  const events = await db`
    DELETE FROM executor_events e WHERE e.received_at < ${before}
       AND NOT EXISTS (SELECT 1 FROM executor_runs r WHERE r.event_id = e.id)`;
  return { runs: runs.count, events: events.count };
}
