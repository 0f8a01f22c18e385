import type { Logger } from '../../../core/log.ts';
import type { Sql } from '../../../db/client.ts';
import type { AnyFunctionSpec } from '../../spec.ts';
import type { Engine } from '../port.ts';
import { createLocalExecutor } from './index.ts';

/** The engine port on the local executor: the embedded default when no Inngest server is set. */
export function createLocalEngine(o: {
  sql: Sql;
  functions: AnyFunctionSpec[];
  log: Logger;
  globalConcurrency: number;
  retryBackoff?: (attempt: number) => number;
  pollIntervalMs?: number;
}): Engine & { executor: ReturnType<typeof createLocalExecutor> } {
  const executor = createLocalExecutor({
    sql: o.sql,
    functions: o.functions,
    concurrency: { global: o.globalConcurrency },
    ...(o.retryBackoff ? { retryBackoff: o.retryBackoff } : {}),
    ...(o.pollIntervalMs ? { pollIntervalMs: o.pollIntervalMs } : {}),
    logger: (msg, data) =>
      o.log.debug(`executor: ${msg}`, data as Record<string, unknown> | undefined),
  });
  return {
    kind: 'local',
    executor,
    async send(events) {
      await executor.send(events);
    },
    start: () => executor.start(),
    stop: () => executor.stop({ timeoutMs: 5000 }),
  };
}
