import { NonRetriableError } from '../errors.ts';
import { markSleeping } from '../../db/run-state.ts';
import { enter, runIsOver } from './phase.ts';
import type { Phase } from '../../core/domain.ts';
import { stepFinished, stepStarted } from '../../db/steps.ts';
import type { AgentOutcome } from '../../runner/agent/port.ts';
import type { StepTools } from '../spec.ts';
import type { RunContext } from './context.ts';
import type { PipelineDeps } from './deps.ts';

/**
 * How agent outcomes steer a step:
 * - success: the step's value;
 * - usage limit: the run sleeps durably until the reset time (or the configured back-off) and
 *   the same work runs again as a new step — it never fails for this;
 * - transient (API error, crash, timeout): thrown, so the engine retries the step with back-off;
 * - everything else (not authenticated, CLI usage error, budget, turns, structured output,
 *   cancelled): a non-retriable failure whose message starts with `agent:<class>:` so the failure
 *   handler can record the classified cause.
 */
export type StepResult<T> =
  { kind: 'ok'; value: T } | { kind: 'usage_limit'; wakeAt: string; message: string };

const TRANSIENT = new Set(['api_error', 'crashed', 'timed_out', 'idle_timeout']);

/** Maps a finished session to a step result, or throws the right kind of error. */
export function judge<T>(
  outcome: AgentOutcome,
  value: () => T,
  backoffMs: number,
  now = Date.now(),
): StepResult<T> {
  if (outcome.class === 'success') return { kind: 'ok', value: value() };
  if (outcome.class === 'usage_limit') {
    const reset = outcome.resetAt ? Date.parse(outcome.resetAt) : NaN;
    const wakeAt = new Date(
      Number.isFinite(reset) && reset > now ? reset : now + backoffMs,
    ).toISOString();
    return { kind: 'usage_limit', wakeAt, message: outcome.message };
  }
  const error = `agent:${outcome.class}: ${outcome.message}`;
  if (TRANSIENT.has(outcome.class)) throw new Error(error);
  throw new NonRetriableError(error);
}

/** Extracts the failure class from an error thrown by `judge` (or a stage). */
export function failureClassOf(message: string): string {
  return /^(?:agent|stage):([a-z_]+):/.exec(message)?.[1] ?? 'internal';
}

export interface TrackedMeta {
  phase: string;
  iteration?: number;
  name: string;
}

/** Runs `fn` inside a memoised step and records it on the run's timeline (run_steps). */
export function tracked<T>(
  step: StepTools,
  deps: PipelineDeps,
  ctx: { runId: string },
  key: string,
  meta: TrackedMeta,
  fn: () => Promise<T>,
): Promise<T> {
  return step.run(key, async () => {
    await stepStarted(deps.sql, {
      runId: ctx.runId,
      stepKey: key,
      phase: meta.phase,
      ...(meta.iteration !== undefined ? { iteration: meta.iteration } : {}),
      name: meta.name,
    });
    try {
      const value = await fn();
      await stepFinished(deps.sql, ctx.runId, key, 'completed');
      return value;
    } catch (e) {
      await stepFinished(deps.sql, ctx.runId, key, 'failed', (e as Error).message?.slice(0, 500));
      throw e;
    }
  });
}

/**
 * An agent step that survives usage limits: runs `fn` as a tracked step; on a usage limit marks
 * the run sleeping, sleeps durably, and runs the work again under a new step id (`key~1`, …),
 * which `fn` receives so the session is recorded under the step that really ran it.
 */
export async function agentStep<T>(
  step: StepTools,
  deps: PipelineDeps,
  ctx: RunContext,
  key: string,
  meta: TrackedMeta,
  fn: (stepKey: string) => Promise<StepResult<T>>,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const id = attempt === 0 ? key : `${key}~${attempt}`;
    const r = await tracked(step, deps, ctx, id, meta, () => fn(id));
    if (r.kind === 'ok') return r.value;
    await step.run(`${id}:sleep-mark`, async () => {
      const asleep = await markSleeping(
        deps.sql,
        ctx.runId,
        new Date(r.wakeAt),
        `usage limit: sleeping until ${r.wakeAt}`,
      );
      if (!asleep) throw runIsOver();
      await stepStarted(deps.sql, {
        runId: ctx.runId,
        stepKey: `${id}:sleep`,
        phase: meta.phase,
        name: 'usage limit: sleep',
        kind: 'sleep',
        status: 'sleeping',
        wakeAt: new Date(r.wakeAt),
        message: r.message,
      });
      await deps.reporter.report({
        scenarioId: ctx.scenarioId,
        runId: ctx.runId,
        kind: 'status',
        phase: meta.phase,
        status: 'sleeping',
        level: 'warn',
        message: `Usage limit reached; sleeping until ${r.wakeAt}.`,
      });
      return null;
    });
    await step.sleepUntil(`${id}:sleep`, r.wakeAt);
    await step.run(`${id}:wake`, async () => {
      await stepFinished(deps.sql, ctx.runId, `${id}:sleep`, 'completed', 'woke up');
      await enter(deps, ctx, meta.phase as Phase, meta.iteration ?? 0);
      return null;
    });
  }
}
