import type { Sql } from '../../../db/client.ts';
import type { AnyFunctionSpec, PipelineEvent } from '../../spec.ts';

export type { RunRecord, RunStatus, SerializedError } from '../../../db/executor.ts';
import type { RunRecord } from '../../../db/executor.ts';

export interface LocalExecutorOptions {
  sql: Sql;
  functions: AnyFunctionSpec[];
  /** Executor-wide cap on runs executing at once (default 10). */
  concurrency?: { global?: number };
  /** Delay in ms before retry number `attempt` (1, 2, …); default exponential with jitter, capped. */
  retryBackoff?: (attempt: number) => number;
  /** Safety-net poll for due runs (default 1000 ms); wake-ups are also timed exactly. */
  pollIntervalMs?: number;
  logger?: (msg: string, data?: object) => void;
  /** Clock (ms since epoch); every wake time is computed and compared with it. */
  now?: () => number;
  /** Called once for every run that reaches a final status. */
  onRunFinished?: (run: RunRecord) => void;
}

export interface LocalExecutor {
  /** Records events and queues a run of every function they trigger; an event id seen before is dropped. */
  send(events: PipelineEvent | PipelineEvent[]): Promise<{ ids: string[] }>;
  /** Starts processing; first puts runs left `running` by a previous process back in the queue. */
  start(): Promise<void>;
  /** Stops taking work; in-flight handlers stop at their next step boundary (run stays resumable). */
  stop(options?: { timeoutMs?: number }): Promise<void>;
  /** Cancels an unfinished run (and the children it invoked); false when it had already finished. */
  cancel(runId: string): Promise<boolean>;
  getRun(runId: string): Promise<RunRecord | undefined>;
  /** Runs by the event that started them, by parent (invoked children and failure runs), or by function. */
  listRuns(filter: {
    eventId?: string;
    parentRunId?: string;
    functionId?: string;
  }): Promise<RunRecord[]>;
  /** Resolves with the run once it is final; rejects after `timeoutMs`. */
  waitForRun(runId: string, timeoutMs?: number): Promise<RunRecord>;
  /** The abort signal of a run executing in this process (aborted on cancel or forced stop). */
  signalFor(runId: string): AbortSignal | undefined;
}
