import type { Sql } from '../../db/client.ts';
import type { AnyFunctionSpec, PipelineEvent } from '../spec.ts';

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
  event: PipelineEvent & { id: string };
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
