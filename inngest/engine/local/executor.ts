import { randomUUID } from 'node:crypto';
import { EngineStopping } from '../../errors.ts';
import type { AnyFunctionSpec, PipelineEvent } from '../../spec.ts';
import { checkRules, Slots } from './concurrency.ts';
import { enqueue } from './enqueue.ts';
import { defaultBackoff, serializeError } from './errors.ts';
import { execute } from './execute.ts';
import * as store from '../../../db/executor.ts';
import { resolveParentStep } from '../../../db/executor-steps.ts';
import type {
  LocalExecutor,
  LocalExecutorOptions,
  RunRecord,
  RunStatus,
  SerializedError,
} from './types.ts';

const UNFINISHED: RunStatus[] = ['queued', 'running', 'sleeping'];
const isFinal = (s: RunStatus): boolean => !UNFINISHED.includes(s);

/** How long stopped runs get to record their end after a stop aborted them. */
const STOP_SETTLE_MS = 5000;

/**
 * The embedded engine: runs function specs in-process with Inngest's semantics, state in
 * Postgres (executor_* tables). One process per database runs it (engine.ts takes an advisory
 * lock); others only enqueue (enqueue.ts) for it.
 */
export function createLocalExecutor(o: LocalExecutorOptions): LocalExecutor {
  const { sql } = o;
  const log = o.logger ?? (() => {});
  const now = o.now ?? Date.now;
  const cap = o.concurrency?.global ?? 10;
  const functions = new Map<string, AnyFunctionSpec>();
  for (const f of o.functions) {
    if (functions.has(f.id)) throw new Error(`Function id ${f.id} is registered twice`);
    checkRules(f);
    functions.set(f.id, f);
  }
  const slots = new Slots(o.functions);
  const inflight = new Map<string, { ctl: AbortController; done: Promise<void> }>();
  const waiters = new Map<string, Set<(r: RunRecord) => void>>();
  let running = false;
  let stopping = false;
  let ticking: Promise<void> | undefined;
  let again = false;
  let pollTimer: NodeJS.Timeout | undefined;
  let wakeTimer: NodeJS.Timeout | undefined;

  function announce(run: RunRecord): void {
    for (const w of waiters.get(run.id) ?? []) w(run);
    try {
      o.onRunFinished?.(run);
    } catch (e) {
      log('onRunFinished listener threw', { error: serializeError(e) });
    }
  }

  async function finish(
    runId: string,
    status: RunStatus,
    result: unknown,
    error: SerializedError | null,
    from = ['running'] as RunStatus[],
  ): Promise<RunRecord | undefined> {
    const run = await sql.begin(async (tx) => {
      const r = await store.finishRun(tx, runId, from, status, result, error);
      if (!r) return undefined;
      await resolveParentStep(tx, r);
      if (r.status === 'failed' && r.kind === 'handler' && functions.get(r.functionId)?.onFailure) {
        const data = { function_id: r.functionId, run_id: r.id, error: r.error, event: r.event };
        await store.insertRun(tx, {
          functionId: r.functionId,
          kind: 'failure',
          event: { name: 'inngest/function.failed', data, id: randomUUID() },
          concurrencyKeys: [],
          parentRunId: r.id,
        });
      }
      return r;
    });
    if (run) {
      log(`run ${status}`, { runId, functionId: run.functionId });
      announce(run);
      void tick();
    }
    return run;
  }

  async function cancel(runId: string): Promise<boolean> {
    const run = await finish(runId, 'cancelled', null, null, UNFINISHED);
    if (!run) return false;
    inflight.get(runId)?.ctl.abort(new Error(`Run ${runId} was cancelled`));
    for (const child of await store.unfinishedChildren(sql, runId)) await cancel(child);
    return true;
  }

  async function send(input: PipelineEvent | PipelineEvent[]): Promise<{ ids: string[] }> {
    const events = Array.isArray(input) ? input : [input];
    const { ids, failed } = await enqueue({ sql, functions, log, cancel }, events);
    failed.forEach(announce);
    void tick();
    return { ids };
  }

  function launch(run: RunRecord): void {
    const ctl = new AbortController();
    slots.take(run.concurrencyKeys);
    const deps = {
      sql,
      functions,
      now,
      backoff: o.retryBackoff ?? defaultBackoff,
      stopping: () => stopping,
      send,
      finish: async (id: string, s: RunStatus, r: unknown, e: SerializedError | null) =>
        void (await finish(id, s, r, e)),
    };
    const done = execute(deps, run, ctl.signal)
      .catch(async (e: unknown) => {
        // Infrastructure trouble (e.g. the database went away): try again later from the last saved step.
        log('execution failed; requeued', { runId: run.id, error: serializeError(e) });
        await store
          .pauseRun(sql, run.id, 'queued', new Date(now() + 1000), run.attempt)
          .catch(() => {});
      })
      .finally(() => {
        inflight.delete(run.id);
        slots.release(run.concurrencyKeys);
        void tick();
      });
    inflight.set(run.id, { ctl, done });
  }

  async function fill(): Promise<void> {
    // A run cancelled by another process (an API standby sent the cancel) stops here too.
    for (const id of await store.finishedAmong(sql, [...inflight.keys()]))
      inflight.get(id)?.ctl.abort(new Error(`Run ${id} was cancelled`));
    const blocked = new Set<string>();
    for (const due of await store.dueRuns(
      sql,
      [...functions.keys()],
      new Date(now()),
      100 + inflight.size,
    )) {
      if (!running || stopping || inflight.size >= cap) break;
      // FIFO per key: a run that does not fit waits, and so does every later run under the same
      // full key in this pass — even if a slot frees while this pass awaits a claim; later runs
      // under other keys may pass it.
      if (inflight.has(due.id) || due.concurrencyKeys.some((k) => blocked.has(k))) continue;
      if (!slots.fits(due.concurrencyKeys)) {
        for (const k of slots.full(due.concurrencyKeys)) blocked.add(k);
        continue;
      }
      const run = await store.claimRun(sql, due.id, new Date(now()));
      if (run) launch(run);
    }
    const at = await store.nextWake(sql, new Date(now()));
    clearTimeout(wakeTimer);
    if (at && running && !stopping)
      wakeTimer = setTimeout(
        () => void tick(),
        Math.min(Math.max(0, at.getTime() - now()) + 1, 2 ** 31 - 1),
      );
  }

  /** Schedules due runs; calls during a pass make it go round once more (never two passes at once). */
  function tick(): Promise<void> {
    if (!running || stopping) return Promise.resolve();
    again = true;
    ticking ??= (async () => {
      while (again && running && !stopping) {
        again = false;
        await fill().catch((e: unknown) => log('scheduling failed', { error: serializeError(e) }));
      }
    })().finally(() => {
      ticking = undefined;
      if (again) void tick();
    });
    return ticking;
  }

  return {
    send,
    cancel,
    async start() {
      if (running) return;
      running = true;
      stopping = false;
      const resumed = await store.requeueInterrupted(sql, [...inflight.keys()]);
      if (resumed > 0) log('resuming interrupted runs', { count: resumed });
      pollTimer = setInterval(() => void tick(), o.pollIntervalMs ?? 1000);
      await tick();
    },
    async stop({ timeoutMs = 10_000 } = {}) {
      if (!running) return;
      stopping = true;
      clearInterval(pollTimer);
      clearTimeout(wakeTimer);
      await ticking;
      let timer: NodeJS.Timeout | undefined;
      const settled = Promise.allSettled([...inflight.values()].map((r) => r.done)).then(
        () => true,
      );
      const inTime = await Promise.race([
        settled,
        new Promise<false>((r) => (timer = setTimeout(r, timeoutMs, false))),
      ]);
      clearTimeout(timer);
      if (!inTime) {
        log('stop timed out; aborting in-flight runs', { count: inflight.size });
        for (const r of inflight.values()) r.ctl.abort(new EngineStopping());
        // Let the stopped work record how it ended (its sessions' processes are being killed)
        // before the database goes away: at most a few more seconds.
        let after: NodeJS.Timeout | undefined;
        await Promise.race([
          settled,
          new Promise<void>((r) => (after = setTimeout(r, STOP_SETTLE_MS))),
        ]);
        clearTimeout(after);
      }
      running = false;
    },
    getRun: (id) => store.getRun(sql, id),
    listRuns: (filter) => store.listRuns(sql, filter),
    signalFor: (id) => inflight.get(id)?.ctl.signal,
    waitForRun(id, timeoutMs = 30_000) {
      return new Promise<RunRecord>((resolve, reject) => {
        const set = waiters.get(id) ?? new Set();
        waiters.set(id, set);
        const off = (): void => {
          clearTimeout(timer);
          set.delete(done);
          if (set.size === 0) waiters.delete(id);
        };
        const done = (r: RunRecord): void => {
          off();
          resolve(r);
        };
        const timer = setTimeout(() => {
          off();
          reject(new Error(`Run ${id} did not finish within ${timeoutMs} ms`));
        }, timeoutMs);
        set.add(done);
        store.getRun(sql, id).then(
          (r) => r && isFinal(r.status) && done(r),
          (e: unknown) => (off(), reject(e)),
        );
      });
    },
  };
}
