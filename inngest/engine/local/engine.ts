import type { Logger } from '../../../core/log.ts';
import type { Sql } from '../../../db/client.ts';
import { pruneFinished } from '../../../db/executor.ts';
import { tryOwnExecutor, type ExecutorLock } from '../../../db/executor-owner.ts';
import type { AnyFunctionSpec } from '../../spec.ts';
import type { Engine } from '../port.ts';
import { createLocalExecutor } from './index.ts';

/**
 * The engine port on the local executor: the embedded default when no Inngest server is set.
 *
 * Several processes may share one database (a rolling restart, an API beside a worker): exactly
 * one runs the executor. It holds a Postgres advisory lock on a connection of its own; the others
 * serve the API — their events are recorded in the database, where the owner picks them up — and
 * wait as standbys, trying the lock every `standbyPollMs`. When the owner dies its connection
 * drops, the lock is free, and a standby takes over: it stops what the dead owner left running
 * (`onTakeOver`) and resumes its runs.
 */
export interface LocalEngineOptions {
  sql: Sql;
  functions: AnyFunctionSpec[];
  log: Logger;
  globalConcurrency: number;
  retryBackoff?: (attempt: number) => number;
  pollIntervalMs?: number;
  /** How often a standby tries to take over, and the owner checks its lock (ms). Default 1000. */
  standbyPollMs?: number;
  /**
   * How long a standby that got the lock waits before it executes, so that an owner that lost
   * its lock without dying (Postgres restarted under it) has noticed and stopped (ms). Default
   * 2 × standbyPollMs + 2000 (the lock check's own time-out).
   */
  takeOverDelayMs?: number;
  /** Runs before this process starts executing (e.g. stop the dead owner's agent processes). */
  onTakeOver?: () => Promise<void>;
  /** False for an API-only process (ROLE=api): it never executes, whoever else does. */
  mayOwn?: boolean;
  /** Finished executor rows older than this are deleted (ms). Default 7 days. */
  retentionMs?: number;
}

export type LocalEngine = Engine & {
  executor: ReturnType<typeof createLocalExecutor>;
  /** `owner` when this process runs the executor, `standby` while another one does. */
  role(): 'owner' | 'standby' | 'stopped';
};

const HOUR = 3_600_000;

export function createLocalEngine(o: LocalEngineOptions): LocalEngine {
  const executor = createLocalExecutor({
    sql: o.sql,
    functions: o.functions,
    concurrency: { global: o.globalConcurrency },
    ...(o.retryBackoff ? { retryBackoff: o.retryBackoff } : {}),
    ...(o.pollIntervalMs ? { pollIntervalMs: o.pollIntervalMs } : {}),
    logger: (msg, data) =>
      o.log.debug(`executor: ${msg}`, data as Record<string, unknown> | undefined),
  });
  let lock: ExecutorLock | undefined;
  let watch: NodeJS.Timeout | undefined;
  let standby: NodeJS.Timeout | undefined;
  let pruner: NodeJS.Timeout | undefined;
  let state: 'owner' | 'standby' | 'stopped' = 'stopped';
  let trying: Promise<boolean> | undefined;

  const prune = async (): Promise<void> => {
    const before = new Date(Date.now() - (o.retentionMs ?? 7 * 24 * HOUR));
    const n = await pruneFinished(o.sql, before).catch(() => ({ runs: 0, events: 0 }));
    if (n.runs || n.events)
      o.log.info(`executor: pruned ${n.runs} finished run(s) and ${n.events} event(s)`);
  };

  /** Takes the lock if it is free and starts executing; true when this process owns it. */
  const tryOwn = (): Promise<boolean> =>
    (trying ??= (async () => {
      if (state === 'owner') return true;
      const got = await tryOwnExecutor(o.sql);
      if (!got) return false;
      lock = got;
      if (state === 'standby') {
        o.log.warn('executor: the owner is gone; this process takes over');
        await new Promise((r) =>
          setTimeout(r, o.takeOverDelayMs ?? 2 * (o.standbyPollMs ?? 1000) + 2000),
        );
      }
      state = 'owner';
      clearInterval(standby);
      await o.onTakeOver?.();
      await executor.start();
      void prune();
      pruner = setInterval(() => void prune(), HOUR);
      pruner.unref();
      watch = setInterval(() => void checkLock(), o.standbyPollMs ?? 1000);
      watch.unref();
      return true;
    })().finally(() => (trying = undefined)));

  const standBy = (): void => {
    state = 'standby';
    clearInterval(standby);
    standby = setInterval(() => {
      tryOwn().catch((e: unknown) => o.log.warn(`executor: take-over failed: ${String(e)}`));
    }, o.standbyPollMs ?? 1000);
  };

  /**
   * The owner's lock lives on one connection: if Postgres restarts under it, the lock is gone and
   * a standby may already own it. Then this process stops executing and stands by itself.
   */
  let checking = false;
  const checkLock = async (): Promise<void> => {
    // One check at a time, on the lock it started with: a slow check must not overlap the next
    // tick's, nor act on a lock that stop() has released meanwhile.
    const held = lock;
    if (state !== 'owner' || !held || checking) return;
    checking = true;
    try {
      if ((await held.alive()) || lock !== held || state !== 'owner') return;
      o.log.warn(
        'executor: lost the database connection that holds the owner lock; stopping and standing by',
      );
      clearInterval(watch);
      clearInterval(pruner);
      // Another process may own it already: what runs here stops at once (it resumes there).
      await executor.stop({ timeoutMs: 0 });
      await held.release();
      if (lock === held) lock = undefined;
      if (state === 'owner') standBy();
    } finally {
      checking = false;
    }
  };

  return {
    kind: 'local',
    executor,
    role: () => state,
    async send(events) {
      await executor.send(events);
    },
    async start() {
      if (o.mayOwn === false) {
        state = 'standby';
        o.log.info('executor: ROLE=api — runs execute on worker processes (ROLE=worker or all)');
        return;
      }
      if (await tryOwn()) {
        o.log.info('executor: this process runs the local executor');
        return;
      }
      o.log.info(
        'executor: another process runs the local executor on this database; this one serves the API and stands by',
      );
      standBy();
    },
    async stop() {
      clearInterval(standby);
      clearInterval(pruner);
      clearInterval(watch);
      await trying?.catch(() => false);
      if (state === 'owner') await executor.stop({ timeoutMs: 5000 });
      state = 'stopped';
      await lock?.release();
      lock = undefined;
    },
  };
}
