import * as v from 'valibot';
import { createTestDb, type TestDb } from '../../../../test/support/db.ts';
import type { FunctionSpec, HandlerContext } from '../../../spec.ts';
import { createLocalExecutor } from '../executor.ts';
import type { LocalExecutor, LocalExecutorOptions, RunRecord } from '../types.ts';

/** A spec with test defaults: data is any object, no retries. */
export function spec<TResult>(
  id: string,
  handler: (ctx: HandlerContext<Record<string, unknown>>) => Promise<TResult>,
  extra: Partial<FunctionSpec<Record<string, unknown>, TResult>> = {},
): FunctionSpec<Record<string, unknown>, TResult> {
  return {
    id,
    name: id,
    trigger: { event: `test/${id}` },
    schema: v.record(v.string(), v.unknown()),
    retries: 0,
    handler,
    ...extra,
  };
}

export interface Harness {
  db: TestDb;
  /** A new executor on the test's schema (ms-level back-off and polling), stopped by close(). */
  executor(o: Omit<LocalExecutorOptions, 'sql'>): LocalExecutor;
  /** Sends one event and returns the single run it started. */
  run(ex: LocalExecutor, name: string, data?: Record<string, unknown>): Promise<RunRecord>;
  close(): Promise<void>;
}

export async function harness(): Promise<Harness> {
  const db = await createTestDb();
  const started: LocalExecutor[] = [];
  return {
    db,
    executor(o) {
      const ex = createLocalExecutor({
        retryBackoff: () => 5,
        pollIntervalMs: 50,
        ...o,
        sql: db.sql,
      });
      started.push(ex);
      return ex;
    },
    async run(ex, name, data = {}) {
      const { ids } = await ex.send({ name, data });
      const [run] = await ex.listRuns({ eventId: ids[0]! });
      if (!run) throw new Error(`no run for ${name}`);
      return run;
    },
    async close() {
      for (const ex of started) await ex.stop({ timeoutMs: 2000 });
      await db.drop();
    },
  };
}

/** A promise with its resolve function, for steps the test holds open. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve: (v: T) => void = () => {};
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** Polls `check` until it returns a value other than undefined/false. */
export async function until<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 10_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

export const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
