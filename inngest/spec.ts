import type * as v from 'valibot';

/**
 * A pipeline stage written once, run two ways: served to an Inngest server (inngest/engine/inngest/) or
 * executed in-process by the local executor (inngest/engine/local/). A spec carries exactly what both
 * need: its trigger, the valibot schema of its event data, retries, concurrency keys, the events
 * that cancel it, the handler and the failure handler. Handlers only use the step tools below,
 * which both engines provide with Inngest's semantics (memoised steps, durable sleeps).
 */
export interface StepTools {
  /** Runs `fn` once per run; on replay returns the saved (JSON) result instead. */
  run<T>(id: string, fn: () => Promise<T> | T): Promise<T>;
  /** Durable sleep: survives a restart. `duration` in ms or an Inngest time string ("30s"). */
  sleep(id: string, duration: number | string): Promise<void>;
  /** Durable sleep until a point in time. */
  sleepUntil(id: string, until: Date | string): Promise<void>;
  /** Runs another function to completion and returns its result. */
  invoke<TData, TResult>(
    id: string,
    options: { function: FunctionSpec<TData, TResult>; data: TData },
  ): Promise<TResult>;
  /** Sends events (fire and forget, memoised). */
  sendEvent(id: string, events: PipelineEvent | PipelineEvent[]): Promise<void>;
}

export interface PipelineEvent<TData = unknown> {
  name: string;
  data: TData;
  /** Idempotency id: an engine drops a second event with the same id. */
  id?: string;
}

export interface HandlerContext<TData> {
  event: PipelineEvent<TData>;
  step: StepTools;
  /** The engine's id of this function run (not our `runs.id`). */
  runId: string;
  /** 0 on the first attempt of the current step, then 1, 2, … */
  attempt: number;
  /**
   * Aborts when the run is cancelled (or its engine stops it by force). Both engines supply it;
   * work that starts processes (agent sessions, commands) passes it on so they die with the run.
   */
  signal: AbortSignal;
}

export interface FailureContext<TData> {
  event: PipelineEvent<TData>;
  error: Error;
  runId: string;
  step: StepTools;
}

export interface ConcurrencyRule {
  limit: number;
  /** Expression over the event, e.g. `event.data.campaignId`; no key means one global limit. */
  key?: string;
}

export interface CancelRule {
  /** Event name that cancels, e.g. `scenario/run.cancel`. */
  event: string;
  /** Field that must be equal in both events' data, e.g. `runId`. */
  matchField: string;
}

export interface FunctionSpec<TData, TResult> {
  id: string;
  name: string;
  trigger: { event: string };
  /** Schema of `event.data`; bad data fails the run at once (non-retriable). */
  schema: v.GenericSchema<unknown, TData>;
  /** Retries per step after the first attempt. */
  retries: number;
  concurrency?: ConcurrencyRule[];
  cancelOn?: CancelRule[];
  handler(ctx: HandlerContext<TData>): Promise<TResult>;
  onFailure?(ctx: FailureContext<TData>): Promise<void>;
}

/** Any spec, for registries (handlers are methods, so a specific spec fits by bivariance). */
export type AnyFunctionSpec = FunctionSpec<unknown, unknown>;
