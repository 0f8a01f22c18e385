import type { Inngest, InngestFunction } from 'inngest';
import * as v from 'valibot';
import { NonRetriableError as SdkNonRetriableError } from 'inngest';
import { fromSdkError, toSdkError } from './errors.ts';
import type { AnyFunctionSpec, PipelineEvent } from '../../spec.ts';
import { adaptStepTools, type InngestRegistry, type InngestStepLike } from './step-tools.ts';

export interface ServeOptions {
  /**
   * Whether the run an event belongs to was cancelled. Inngest stops a cancelled run between
   * steps but cannot interrupt a step in flight, so the handler's `signal` polls this.
   */
  isCancelled?: (data: unknown) => Promise<boolean>;
  /** How often `isCancelled` is asked while a handler runs (ms). Default 500. */
  cancelPollMs?: number;
}

/** The handler's cancellation signal under Inngest: aborts when `isCancelled` says so. */
function watchCancel(
  options: ServeOptions,
  data: unknown,
): { signal: AbortSignal; dispose(): void } {
  const ctl = new AbortController();
  const probe = options.isCancelled;
  if (!probe) return { signal: ctl.signal, dispose: () => {} };
  const timer = setInterval(() => {
    probe(data)
      .then((c) => c && ctl.abort(new Error('run cancelled')))
      .catch(() => {});
  }, options.cancelPollMs ?? 500);
  timer.unref();
  return { signal: ctl.signal, dispose: () => clearInterval(timer) };
}

/** Inngest accepts 0–20 retries and at most two concurrency rules per function. */
const MAX_RETRIES = 20;
const MAX_CONCURRENCY_RULES = 2;

type Concurrency = { limit: number; key?: string };
type Retries =
  0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10 | 11 | 12 | 13 | 14 | 15 | 16 | 17 | 18 | 19 | 20;

/** What our adapter reads from Inngest's handler context. */
interface InngestCtx {
  event: { name: string; data?: unknown; id?: string };
  step: InngestStepLike;
  runId: string;
  attempt: number;
}
interface InngestFailureCtx extends InngestCtx {
  event: {
    name: string;
    data: {
      run_id?: string;
      function_id?: string;
      event?: { name: string; data?: unknown; id?: string };
      error?: { name?: string; message?: string };
    };
  };
  /** Set by the SDK for a function's own onFailure; absent when the handler runs on its own. */
  error?: Error;
}

/** The incoming event as the spec sees it: data checked against its schema, or null when invalid. */
function specEvent(
  spec: AnyFunctionSpec,
  raw: { name: string; data?: unknown; id?: string },
): { event: PipelineEvent; issues?: undefined } | { event?: undefined; issues: string } {
  const parsed = v.safeParse(spec.schema, raw.data ?? {});
  if (!parsed.success) return { issues: v.summarize(parsed.issues) };
  return { event: { name: raw.name, data: parsed.output, ...(raw.id ? { id: raw.id } : {}) } };
}

/** The function's Inngest options (everything but the handlers), from the spec. */
export function inngestOptions(spec: AnyFunctionSpec) {
  if (!Number.isInteger(spec.retries) || spec.retries < 0 || spec.retries > MAX_RETRIES) {
    throw new Error(
      `${spec.id}: retries must be an integer from 0 to ${MAX_RETRIES} under Inngest (got ${spec.retries})`,
    );
  }
  const rules: Concurrency[] = (spec.concurrency ?? []).map((r) =>
    r.key ? { limit: r.limit, key: r.key } : { limit: r.limit },
  );
  if (rules.length > MAX_CONCURRENCY_RULES)
    throw new Error(
      `${spec.id}: Inngest allows at most ${MAX_CONCURRENCY_RULES} concurrency rules (got ${rules.length})`,
    );
  const [first, second] = rules;
  return {
    id: spec.id,
    name: spec.name,
    triggers: [{ event: spec.trigger.event }],
    retries: spec.retries as Retries,
    ...(first
      ? { concurrency: second ? ([first, second] as [Concurrency, Concurrency]) : first }
      : {}),
    ...(spec.cancelOn?.length
      ? {
          cancelOn: spec.cancelOn.map((c) => ({
            event: c.event,
            if: `async.data.${c.matchField} == event.data.${c.matchField}`,
          })),
        }
      : {}),
  };
}

/**
 * A FunctionSpec as an Inngest function: same id, trigger, retries, concurrency keys and cancel
 * events; the handler gets the spec's context (validated event, step tools, run id, attempt) on top
 * of Inngest's. Bad event data fails the run at once (NonRetriableError). `step.invoke` of another
 * spec resolves to that spec's Inngest function through `registry` at call time, so the registry
 * may be filled after this call (see `toInngestFunctions`).
 */
export function toInngestFunction(
  client: Inngest,
  spec: AnyFunctionSpec,
  registry: InngestRegistry,
  options: ServeOptions = {},
): InngestFunction.Any {
  const handler = async (raw: unknown) => {
    const ctx = raw as InngestCtx;
    const checked = specEvent(spec, ctx.event);
    if (!checked.event)
      throw new SdkNonRetriableError(
        `Invalid data for ${spec.id} (${ctx.event.name}): ${checked.issues}`,
      );
    const cancel = watchCancel(options, checked.event.data);
    try {
      return await spec.handler({
        event: checked.event,
        step: adaptStepTools(ctx.step, registry),
        runId: ctx.runId,
        signal: cancel.signal,
        get attempt() {
          return ctx.attempt;
        },
      });
    } catch (e) {
      throw toSdkError(e);
    } finally {
      cancel.dispose();
    }
  };
  const failure = failureHandlerFor(spec, registry);
  return client.createFunction(
    { ...inngestOptions(spec), ...(failure ? { onFailure: failure } : {}) },
    handler,
  ) as unknown as InngestFunction.Any;
}

/**
 * The spec's failure handler as Inngest runs it: a function of its own, triggered by
 * `inngest/function.failed`, whose event carries the failed run's id, the error and the original
 * event. Undefined when the spec has none.
 */
export function failureHandlerFor(
  spec: AnyFunctionSpec,
  registry: InngestRegistry,
): ((raw: unknown) => Promise<null>) | undefined {
  const onFailure = spec.onFailure?.bind(spec);
  if (!onFailure) return undefined;
  return async (raw: unknown) => {
    const ctx = raw as InngestFailureCtx;
    const original = ctx.event.data.event;
    const checked = original ? specEvent(spec, original) : undefined;
    // Like the local executor: no valid data, nothing the handler could act on.
    if (!checked?.event) return null;
    const error =
      ctx.error ??
      Object.assign(new Error(ctx.event.data.error?.message ?? 'failed'), {
        name: ctx.event.data.error?.name ?? 'Error',
      });
    await onFailure({
      event: checked.event,
      error: fromSdkError(error),
      runId: ctx.event.data.run_id ?? ctx.runId,
      step: adaptStepTools(ctx.step, registry),
    });
    return null;
  };
}

/** Every spec as an Inngest function, sharing one registry so invokes find each other. */
export function toInngestFunctions(
  client: Inngest,
  specs: AnyFunctionSpec[],
  options: ServeOptions = {},
): InngestFunction.Any[] {
  const registry = new Map<string, InngestFunction.Any>();
  for (const spec of specs) {
    if (registry.has(spec.id)) throw new Error(`Duplicate function id ${spec.id}`);
    registry.set(spec.id, toInngestFunction(client, spec, registry, options));
  }
  return [...registry.values()];
}
