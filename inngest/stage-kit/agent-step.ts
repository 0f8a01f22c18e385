import { RunFailure, TransientFailure } from '../errors.ts';
import { enter } from './phase.ts';
import type { Phase } from '../../core/domain.ts';
import { stepFinished, stepStarted } from '../../db/run-steps.ts';
import { spendCapReached, type CapReached } from '../../db/spend.ts';
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

const TRANSIENT = new Set([
  'api_error',
  'crashed',
  'timed_out',
  'idle_timeout',
  'interrupted',
  'transcript_failed',
]);

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

const CAP_NAME = { run: "this run's", campaign: "the campaign's", daily: 'the daily' } as const;

/** What a person reads when a run pauses on a cap. */
export function capMessage(c: CapReached): string {
  const usd = (n: number) => `$${n.toFixed(2)}`;
  return `Paused: ${CAP_NAME[c.cap]} spending cap of ${usd(c.limitUsd)} is reached (${usd(c.spentUsd)} spent). Raise it to continue.`;
}

/**
 * Before each agent session (a step boundary): while a spending cap is reached, the run sleeps
 * durably and looks again every SPEND_CAP_RECHECK, so raising the cap lets it go on.
 */
async function waitForBudget(
  step: StepTools,
  deps: Pick<PipelineDeps, 'sql' | 'lifecycle' | 'config'>,
  ctx: RunContext,
  id: string,
  meta: TrackedMeta,
): Promise<void> {
  for (let n = 0; ; n++) {
    const check = `${id}:spend${n ? `~${n}` : ''}`;
    const cap = await step.run(check, () => spendCapReached(deps.sql, ctx));
    if (!cap) return;
    const wakeAt = new Date(Date.now() + deps.config.SPEND_CAP_RECHECK).toISOString();
    await step.run(`${check}:mark`, async () => {
      await deps.lifecycle.sleep(ctx, {
        phase: meta.phase,
        stepKey: `${check}:sleep`,
        wakeAt: new Date(wakeAt),
        reason: capMessage(cap),
        cause: 'spend_cap',
      });
      return null;
    });
    await step.sleepUntil(`${check}:sleep`, wakeAt);
    await step.run(`${check}:wake`, async () => {
      await stepFinished(deps.sql, ctx.runId, `${check}:sleep`, 'completed', 'looked again');
      await enter(deps, ctx, meta.phase as Phase, meta.iteration ?? 0);
      return null;
    });
  }
}

/**
 * An agent step that survives usage limits and waits out spending caps: runs `fn` as a tracked
 * step; on a usage limit marks the run sleeping, sleeps durably, and runs the work again under a
 * new step id (`key~1`, …), which `fn` receives so the session is recorded under the step that
 * really ran it.
 */
export async function agentStep<T>(
  step: StepTools,
  deps: Pick<PipelineDeps, 'sql' | 'lifecycle' | 'config'>,
  ctx: RunContext,
  key: string,
  meta: TrackedMeta,
  fn: (stepKey: string) => Promise<StepResult<T>>,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const id = attempt === 0 ? key : `${key}~${attempt}`;
    await waitForBudget(step, deps, ctx, id, meta);
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
