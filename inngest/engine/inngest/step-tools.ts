import type { InngestFunction } from 'inngest';
import { NonRetriableError } from '../../errors.ts';
import { fromSdkError, toSdkError } from './errors.ts';
import { durationMs } from '../local/errors.ts';
import type { PipelineEvent, StepTools } from '../../spec.ts';

/** The part of Inngest's `ctx.step` the spec's step tools map onto. */
export interface InngestStepLike {
  run(id: string, fn: () => unknown): Promise<unknown>;
  sleep(id: string, time: number | string): Promise<void>;
  sleepUntil(id: string, time: Date | string): Promise<void>;
  sendEvent(
    id: string,
    payload: Array<{ name: string; data: unknown; id?: string }>,
  ): Promise<unknown>;
  invoke(id: string, opts: { function: InngestFunction.Any; data: unknown }): Promise<unknown>;
}

/** Inngest functions by spec id, for `step.invoke`. Filled before any function runs. */
export type InngestRegistry = ReadonlyMap<string, InngestFunction.Any>;

/** A spec event → an Inngest event payload (the id is Inngest's idempotency key too). */
export function toInngestEvent(e: PipelineEvent): { name: string; data: unknown; id?: string } {
  return { name: e.name, data: e.data ?? {}, ...(e.id ? { id: e.id } : {}) };
}

/** JSON in, JSON out — what the local executor gives a handler on every execution, first one included. */
const asJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value ?? null));

/**
 * The spec's step tools on top of Inngest's: the same ids, so a run's steps carry the same names
 * in the Inngest dashboard as in the local executor's tables.
 */
export function adaptStepTools(step: InngestStepLike, registry: InngestRegistry): StepTools {
  return {
    run: async <T>(id: string, fn: () => Promise<T> | T) =>
      (await step.run(id, async () => {
        try {
          return asJson(await fn());
        } catch (e) {
          throw toSdkError(e);
        }
      })) as T,
    // "1h30m" is ours, not Inngest's: hand it over in ms.
    sleep: (id, duration) =>
      step.sleep(id, typeof duration === 'number' ? duration : durationMs(duration)),
    sleepUntil: (id, until) => step.sleepUntil(id, until),
    sendEvent: async (id, events) => {
      await step.sendEvent(id, (Array.isArray(events) ? events : [events]).map(toInngestEvent));
    },
    invoke: async <TData, TResult>(
      id: string,
      o: { function: { id: string }; data: TData },
    ): Promise<TResult> => {
      const target = registry.get(o.function.id);
      if (!target)
        throw new NonRetriableError(`Function ${o.function.id} is not served to Inngest`);
      try {
        return (await step.invoke(id, { function: target, data: o.data })) as TResult;
      } catch (e) {
        throw fromSdkError(e);
      }
    },
  };
}
