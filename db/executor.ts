import type { Db, Sql } from './client.ts';

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

/** The advisory lock that makes one process the local executor's owner (per database schema). */
const OWNER_LOCK = 'scenario-gen:local-executor';

/** The owner lock, held on a connection of its own. */
export interface ExecutorLock {
  /** True while the connection that holds the lock answers (a restarted Postgres drops it). */
  alive(): Promise<boolean>;
  /** Gives the lock up (a dead connection has already lost it). */
  release(): Promise<void>;
}

/**
 * Tries to take the owner lock on a connection of its own: held for as long as that connection
 * lives, so it is released when its process dies. Per schema: tests (and tenants) that share a
 * database each have an owner of their own. Undefined when another process owns it.
 */
export async function tryOwnExecutor(sql: Sql): Promise<ExecutorLock | undefined> {
  const conn = await sql.reserve();
  let pid: number;
  try {
    const [row] = await conn<{ ok: boolean; pid: number }[]>`
      SELECT pg_try_advisory_lock(hashtext(${OWNER_LOCK} || current_schema())) AS ok,
             pg_backend_pid() AS pid`;
    if (!row?.ok) {
      conn.release();
      return undefined;
    }
    pid = row.pid;
  } catch (e) {
    conn.release();
    throw e;
  }
  let lost = false;
  return {
    async alive() {
      // Asked through the pool, never on the lock's own connection: a query on a reserved
      // connection that died breaks postgres.js (3.4.x) instead of failing.
      if (lost) return false;
      const check = sql<{ ok: boolean }[]>`
        SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted AND pid = ${pid}
                         AND objid::int = hashtext(${OWNER_LOCK} || current_schema())) AS ok`.then(
        ([r]) => r?.ok === true,
        () => false,
      );
      const timeout = new Promise<boolean>((r) => setTimeout(r, 2000, false).unref());
      lost = !(await Promise.race([check, timeout]));
      return !lost;
    },
    async release() {
      // A lost lock's connection is dead: leave it alone (see alive()).
      if (lost) return;
      await conn`SELECT pg_advisory_unlock(hashtext(${OWNER_LOCK} || current_schema()))`.catch(
        () => {},
      );
      conn.release();
    },
  };
}
