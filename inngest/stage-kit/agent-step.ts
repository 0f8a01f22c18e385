import { RunFailure, TransientFailure } from '../errors.ts';
import { enter } from './phase.ts';
import type { Phase } from '../../core/domain.ts';
import { stepFinished, stepStarted } from '../../db/run-steps.ts';
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
 *   cancelled): a RunFailure carrying the outcome class, which the failure handler records.
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
  if (TRANSIENT.has(outcome.class)) throw new TransientFailure(outcome.class, outcome.message);
  throw new RunFailure(outcome.class, outcome.message);
}

export interface TrackedMeta {
  phase: string;
  iteration?: number;
  name: string;
}

/** Runs `fn` inside a memoised step and records it on the run's timeline (run_steps). */
export function tracked<T>(
  step: StepTools,
  deps: Pick<PipelineDeps, 'sql'>,
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
  deps: Pick<PipelineDeps, 'sql' | 'lifecycle'>,
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
      await deps.lifecycle.sleep(ctx, {
        phase: meta.phase,
        stepKey: `${id}:sleep`,
        wakeAt: new Date(r.wakeAt),
        reason: r.message,
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
