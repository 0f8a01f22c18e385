import type { Sql } from '../db/client.ts';
import type { Logger } from '../core/log.ts';
import { createLocalExecutor } from './local/index.ts';
import type { AnyFunctionSpec, PipelineEvent } from './spec.ts';

/**
 * The durable-execution port: where pipeline events go. The local executor runs the stage
 * functions in-process (embedded default); the Inngest adapter (inngest/serve/) hands events to
 * an Inngest server, which calls the functions back at /api/inngest.
 */
export interface Engine {
  readonly kind: 'local' | 'inngest';
  send(events: PipelineEvent | PipelineEvent[]): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

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
