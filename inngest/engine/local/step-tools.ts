import * as v from 'valibot';
import { NonRetriableError } from '../../errors.ts';
import type { AnyFunctionSpec, PipelineEvent, StepTools } from '../../spec.ts';
import { durationMs, isNonRetriable, retryAfterMs, serializeError, stepFailure } from './errors.ts';
import type { StepRow, StepWrite } from '../../../db/executor-steps.ts';

/** Why an execution of a handler stopped before it returned; the executor persists it. */
export type Pause =
  | { kind: 'sleep'; key: string; wakeAt: Date }
  | { kind: 'retry'; wakeAt: Date; attempt: number }
  | { kind: 'invoke'; key: string; spec: AnyFunctionSpec; data: unknown }
  | { kind: 'wait'; key: string }
  | { kind: 'halt' };

/** The executor's side of the step tools for one execution. */
export interface StepContext {
  runId: string;
  retries: number;
  /** Memoised steps of the run, loaded before the handler starts. */
  steps: Map<string, StepRow>;
  signal: AbortSignal;
  stopping(): boolean;
  now(): number;
  backoff(attempt: number): number;
  functions: Map<string, AnyFunctionSpec>;
  save(key: string, step: StepWrite): Promise<void>;
  send(events: PipelineEvent[]): Promise<unknown>;
  /** Ends the execution (first call wins); the handler's pending step never settles. */
  pause(p: Pause): void;
  /** Registers work the executor must let settle before it records the outcome. */
  track<T>(p: Promise<T>): Promise<T>;
}

const never = (): Promise<never> => new Promise<never>(() => {});

/**
 * Step tools with Inngest's semantics for one execution of a handler: memoised results,
 * per-step retries, durable sleeps, invoke and sendEvent. Code between steps runs again on
 * every execution; a step whose result was saved never runs again.
 */
export function createStepTools(
  c: StepContext,
  initialAttempt: number,
): { tools: StepTools; attempt(): number } {
  let attempt = initialAttempt;
  let paused = false;
  const used = new Set<string>();
  const next = new Map<string, number>();

  // Inngest's rule for a repeated id: "id", then "id:1", "id:2", … skipping ids already used.
  const keyFor = (id: string): string => {
    let key = id;
    for (let i = next.get(id) ?? 1; used.has(key); i++) {
      key = `${id}:${i}`;
      next.set(id, i + 1);
    }
    used.add(key);
    return key;
  };
  const pause = (p: Pause): Promise<never> => {
    paused = true;
    c.pause(p);
    return never();
  };
  const mustHalt = (): boolean => c.signal.aborted || c.stopping();
  // A failed write is the database's trouble, not the step's: pause and replay later, no attempt used.
  const persist = async (key: string, write: StepWrite): Promise<boolean> => {
    try {
      await c.track(c.save(key, write));
      return true;
    } catch {
      void pause({ kind: 'retry', wakeAt: new Date(c.now() + 1000), attempt });
      return false;
    }
  };

  async function step<T>(
    kind: 'run' | 'event',
    id: string,
    fn: (key: string) => Promise<T> | T,
  ): Promise<T> {
    const key = keyFor(id);
    if (paused) return never();
    const row = c.steps.get(key);
    if (row?.status === 'completed') return row.result as T;
    if (row?.status === 'failed')
      throw stepFailure(row.error ?? { name: 'Error', message: 'step failed' });
    if (mustHalt()) return pause({ kind: 'halt' });
    const prior = row?.attempts ?? 0;
    attempt = prior;
    const startedAt = new Date(c.now());
    let value: T;
    try {
      value = await c.track(Promise.resolve(key).then(fn));
    } catch (e) {
      // An error caused by cancel or shutdown is not a failed attempt: the run resumes (or not) as is.
      if (paused || mustHalt()) return pause({ kind: 'halt' });
      const attempts = prior + 1;
      if (isNonRetriable(e) || attempts > c.retries) {
        const error = serializeError(e);
        if (!(await persist(key, { kind, status: 'failed', error, attempts, startedAt })))
          return never();
        c.steps.set(key, {
          step_key: key,
          kind,
          status: 'failed',
          result: null,
          error,
          attempts,
          wake_at: null,
        });
        throw stepFailure(error);
      }
      const wakeAt = new Date(c.now() + (retryAfterMs(e, c.now()) ?? c.backoff(attempts)));
      if (
        !(await persist(key, {
          kind,
          status: 'retrying',
          error: serializeError(e),
          attempts,
          wakeAt,
          startedAt,
        }))
      )
        return never();
      return pause({ kind: 'retry', wakeAt, attempt: attempts });
    }
    const result = JSON.parse(JSON.stringify(value ?? null)) as T;
    if (!(await persist(key, { kind, status: 'completed', result, attempts: prior, startedAt })))
      return never();
    c.steps.set(key, {
      step_key: key,
      kind,
      status: 'completed',
      result,
      error: null,
      attempts: prior,
      wake_at: null,
    });
    attempt = 0;
    return result;
  }

  async function sleepStep(id: string, wake: () => Date): Promise<void> {
    const key = keyFor(id);
    if (paused) return never();
    const row = c.steps.get(key);
    if (row?.status === 'completed') return;
    const wakeAt = row?.wake_at ?? wake();
    if (Number.isNaN(wakeAt.getTime()))
      throw new NonRetriableError(`Invalid wake time for step "${id}"`);
    if (wakeAt.getTime() <= c.now()) {
      if (!(await persist(key, { kind: 'sleep', status: 'completed', wakeAt }))) return never();
      c.steps.set(key, {
        step_key: key,
        kind: 'sleep',
        status: 'completed',
        result: null,
        error: null,
        attempts: 0,
        wake_at: wakeAt,
      });
      return;
    }
    return pause(mustHalt() ? { kind: 'halt' } : { kind: 'sleep', key, wakeAt });
  }

  const tools: StepTools = {
    run: (id, fn) => step('run', id, () => fn()),
    sleep: (id, duration) => sleepStep(id, () => new Date(c.now() + durationMs(duration))),
    sleepUntil: (id, until) => sleepStep(id, () => new Date(until)),
    sendEvent: async (id, events) => {
      const list = Array.isArray(events) ? events : [events];
      // Deterministic ids: if the process dies after sending but before saving, the resend is dropped.
      await step('event', id, async (key) => {
        const sent = list.map((e, i) => ({ ...e, id: e.id ?? `${c.runId}:${key}:${i}` }));
        await c.send(sent);
        return { ids: sent.map((e) => e.id) };
      });
    },
    invoke: async <TData, TResult>(
      id: string,
      o: { function: { id: string }; data: TData },
    ): Promise<TResult> => {
      const key = keyFor(id);
      if (paused) return never();
      const row = c.steps.get(key);
      if (row?.status === 'completed') return row.result as TResult;
      if (row?.status === 'failed')
        throw stepFailure(row.error ?? { name: 'Error', message: 'invoke failed' });
      if (row?.status === 'waiting') return pause({ kind: 'wait', key });
      if (mustHalt()) return pause({ kind: 'halt' });
      const spec = c.functions.get(o.function.id);
      const parsed = spec ? v.safeParse(spec.schema, o.data) : undefined;
      if (!spec || !parsed?.success) {
        const message = spec
          ? `Invalid data for ${spec.id}: ${v.summarize(parsed!.issues!)}`
          : `Function ${o.function.id} is not registered`;
        const error = serializeError(new NonRetriableError(message));
        if (!(await persist(key, { kind: 'invoke', status: 'failed', error }))) return never();
        throw stepFailure(error);
      }
      return pause({ kind: 'invoke', key, spec, data: parsed.output });
    },
  };
  return { tools, attempt: () => attempt };
}
