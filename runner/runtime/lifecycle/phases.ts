import { access, constants, stat } from 'node:fs/promises';
import path from 'node:path';
import { jsonPath } from '../../validate/json.ts';
import type { FindingInput } from '../../validate/types.ts';
import type { LifecycleStep, ServiceModel } from '../service.ts';
import type { StepResult } from '../types.ts';
import { healthTargets, pollHealth } from './health.ts';
import { judgeSupervised, startSupervised, type Supervised } from './servers.ts';
import { runStep, unmetCondition, type StepContext, type StepSpec } from './step.ts';

/**
 * The lifecycle as Vrooli ran it, in order: `setup` steps, `develop` steps (those that start
 * servers in the background, supervised), the health checks, then `test` steps and test.sh.
 * A phase stops at its first step that does not pass; later steps are listed as skipped. The
 * 2025-08-07 format has no lifecycle: only test.sh runs.
 */

export type { Supervised } from './servers.ts';

/** What running the lifecycle needs: a step's context, the scenario, and the servers so far. */
export interface LifecycleContext extends StepContext {
  model: ServiceModel;
  healthTimeoutMs: number;
  /** Filled as servers start; the caller stops them, whatever happens here. */
  supervised: Supervised[];
  /** Called as each step's result is known (a server's when it starts; judged at the end). */
  onStep?: (result: StepResult) => void;
}

/** Every step's result, in order, and the findings. */
export interface LifecycleOutcome {
  steps: StepResult[];
  findings: FindingInput[];
}

function specOf(s: LifecycleStep, file: string): StepSpec {
  return {
    phase: s.phase,
    name: s.name,
    run: s.run,
    attempts: s.attempts,
    retryDelayMs: s.retryDelayMs,
    file,
    jsonPath: jsonPath(['lifecycle', s.phase, 'steps', s.index]),
    ...(s.fileExists === undefined ? {} : { fileExists: s.fileExists }),
    ...(s.dirExists === undefined ? {} : { dirExists: s.dirExists }),
  };
}

function skipped(
  s: { phase: StepResult['phase']; name: string; run?: string },
  note: string,
): StepResult {
  return {
    phase: s.phase,
    name: s.name,
    ...(s.run === undefined ? {} : { command: s.run }),
    status: 'skipped',
    exitCode: null,
    timedOut: false,
    durationMs: 0,
    outputTail: '',
    note,
  };
}

const AFTER_FAILURE = 'not run: an earlier step did not pass';
/** Longest a foreground develop step may take (waiting for a server, say). */
const DEVELOP_STEP_MS = 120_000;

function record(ctx: LifecycleContext, out: LifecycleOutcome, ...results: StepResult[]): void {
  out.steps.push(...results);
  for (const r of results) ctx.onStep?.(r);
}

async function runPhase(
  steps: readonly LifecycleStep[],
  ctx: LifecycleContext,
  out: LifecycleOutcome,
): Promise<boolean> {
  for (const [i, s] of steps.entries()) {
    if (ctx.signal.aborted) return false;
    let result: StepResult;
    if (s.background && s.phase === 'develop') {
      const unmet = await unmetCondition(ctx.cwd, s);
      result = unmet === null ? startSupervised(s, ctx) : skipped({ ...s }, unmet);
    } else {
      // A develop step that runs a server in the foreground would hold the run until it is killed.
      const limit =
        s.phase === 'develop' ? Math.min(ctx.timeoutMs, DEVELOP_STEP_MS) : ctx.timeoutMs;
      const o = await runStep(specOf(s, ctx.model.file), { ...ctx, timeoutMs: limit });
      result = o.result;
      out.findings.push(...o.findings);
    }
    record(ctx, out, result);
    if (result.status === 'failed' || result.status === 'not-exercised') {
      for (const rest of steps.slice(i + 1)) record(ctx, out, skipped(rest, AFTER_FAILURE));
      return false;
    }
  }
  return true;
}

async function testScript(ctx: LifecycleContext): Promise<StepSpec | null> {
  const file = path.join(ctx.cwd, 'test.sh');
  const st = await stat(file).catch(() => null);
  if (!st?.isFile()) return null;
  const runnable = await access(file, constants.X_OK).then(
    () => true,
    () => false,
  );
  return {
    phase: 'test',
    name: 'test.sh',
    run: runnable ? './test.sh' : 'bash test.sh',
    file: 'test.sh',
  };
}

/** Polls the health checks; false when a critical one did not answer. */
async function checkHealth(ctx: LifecycleContext, out: LifecycleOutcome): Promise<boolean> {
  const { targets, unusable } = healthTargets(ctx.model, ctx.env);
  for (const u of unusable)
    out.findings.push({
      severity: 'warning',
      ruleId: 'runtime.health.unusable',
      file: ctx.model.file,
      message: `${u}; it was not polled.`,
    });
  if (targets.length === 0) {
    const note = 'nothing to poll: no health check, endpoint or port is declared';
    record(ctx, out, skipped({ phase: 'health', name: 'health' }, note));
    return true;
  }
  // Polling on is pointless once a server crashed (the run failed) or every one has exited.
  const hopeless = (): boolean =>
    ctx.supervised.some((s) => {
      const exit = s.proc.exited();
      return exit !== null && (exit.code !== 0 || exit.error !== undefined);
    }) || ctx.supervised.every((s) => s.proc.exited() !== null && !s.proc.alive());
  // A declared start-up grace bounds the wait: past it Vrooli counts the server unhealthy.
  const grace = ctx.model.health?.graceMs;
  const deadline =
    grace === undefined
      ? ctx.healthTimeoutMs
      : Math.min(ctx.healthTimeoutMs, Math.max(5000, grace));
  const health = await pollHealth(targets, deadline, ctx.signal, hopeless);
  record(ctx, out, ...health.steps);
  out.findings.push(...health.findings);
  return !health.findings.some((f) => f.severity === 'error');
}

async function runPhases(ctx: LifecycleContext, out: LifecycleOutcome): Promise<void> {
  const lc = ctx.model.lifecycle;
  const tests = lc?.test ?? [];
  const script = await testScript(ctx);
  const named = tests.some((t) => /(?:^|[\s;&|(/])test\.sh\b/.test(t.run));
  const extra = script && !named ? script : null;
  const skipRest = (steps: readonly LifecycleStep[], note: string): void => {
    for (const s of steps) record(ctx, out, skipped(s, note));
    if (extra) record(ctx, out, skipped(extra, note));
  };
  if (lc) {
    if (!(await runPhase(lc.setup, ctx, out)))
      return skipRest([...lc.develop, ...tests], AFTER_FAILURE);
    if (!(await runPhase(lc.develop, ctx, out))) return skipRest(tests, AFTER_FAILURE);
    if (!(await checkHealth(ctx, out)))
      return skipRest(tests, 'not run: the health checks did not answer');
    if (!(await runPhase(tests, ctx, out))) return skipRest([], AFTER_FAILURE);
  }
  if (!extra || ctx.signal.aborted) return;
  if (!extra.run.startsWith('./'))
    out.findings.push({
      severity: 'warning',
      ruleId: 'runtime.test.not-executable',
      file: 'test.sh',
      message: 'test.sh has no run bit; it was run with bash.',
      hint: 'chmod +x test.sh',
    });
  const o = await runStep(extra, ctx);
  record(ctx, out, o.result);
  out.findings.push(...o.findings);
}

/** Runs the lifecycle (or, without one, test.sh). Servers are left for the caller to stop. */
export async function runLifecycle(ctx: LifecycleContext): Promise<LifecycleOutcome> {
  const out: LifecycleOutcome = { steps: [], findings: [] };
  await runPhases(ctx, out);
  out.findings.push(...judgeSupervised(ctx.supervised, ctx.model.file));
  return out;
}
