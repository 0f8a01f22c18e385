import { randomUUID } from 'node:crypto';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { AppError, isAppError, NotFoundError } from '../../core/errors.ts';
import { getProfile } from '../validate/profiles.ts';
import type { FindingInput } from '../validate/types.ts';
import { initialise } from './init/initialise.ts';
import { runLifecycle, type Supervised } from './lifecycle/phases.ts';
import { sweepRun } from './process/sweep.ts';
import { provisionResources, type Provisioned } from './resources/provision.ts';
import { runEnv } from './sandbox/env.ts';
import { createSandbox, type Sandbox } from './sandbox/layout.ts';
import { writeState } from './sandbox/standins.ts';
import { readService, type ServiceModel } from './service.ts';
import { buildRuntimeReport } from './report.ts';
import { runExternalRuntime } from './external.ts';
import type {
  Evidence,
  RuntimeCheckOptions,
  RuntimeLimits,
  RuntimeReport,
  StepResult,
} from './types.ts';

/**
 * The runtime check: runs a scenario the way Vrooli would, in an isolated copy with scratch
 * resources, and reports what it proved. The single entry point for the pipeline and the CLI.
 */

export const DEFAULT_RUNTIME_LIMITS: RuntimeLimits = {
  stepTimeoutMs: 5 * 60_000,
  healthTimeoutMs: 30_000,
  budgetMs: 15 * 60_000,
  tailBytes: 4096,
};

/** How long a server gets to stop on SIGTERM before its group is killed. */
const STOP_GRACE_MS = 1500;

function notRun(model: ServiceModel, note: string): StepResult[] {
  const lc = model.lifecycle;
  const steps = lc ? [...lc.setup, ...lc.develop, ...lc.test] : [];
  return steps.map((s) => ({
    phase: s.phase,
    name: s.name,
    command: s.run,
    status: 'skipped',
    exitCode: null,
    timedOut: false,
    durationMs: 0,
    outputTail: '',
    note,
  }));
}

/**
 * Runs the runtime check on one scenario folder. Whatever happens, every process it started is
 * stopped, its scratch database, role and Redis database are dropped and its copy removed before
 * it returns.
 * @throws NotFoundError when `dir` does not exist; AppError `invalid_input` for an unknown
 *   profile; the signal's reason when `signal` aborts (after cleaning up).
 */
export async function runRuntimeCheck(options: RuntimeCheckOptions): Promise<RuntimeReport> {
  const started = performance.now();
  const runId = randomUUID();
  const profile =
    typeof options.profile === 'object' ? options.profile : getProfile(options.profile);
  const given = path.resolve(options.dir);
  const st = await stat(given).catch(() => null);
  if (!st) throw new NotFoundError('Scenario folder', given);
  if (!st.isDirectory()) throw new AppError('invalid_input', `${given} is not a folder.`);
  const name = options.name ?? path.basename(given);
  const limits = { ...DEFAULT_RUNTIME_LIMITS, ...options.limits };
  const log = options.log ?? (() => {});
  const logStep = (s: StepResult): void =>
    log(
      `runtime: ${s.phase}/${s.name} ${s.background ? 'started' : s.status} (${s.durationMs} ms)`,
    );
  const budget = AbortSignal.timeout(limits.budgetMs);
  const signal = options.signal ? AbortSignal.any([options.signal, budget]) : budget;
  const categorised = profile.id === 'vrooli-2025-08-07';

  const findings: FindingInput[] = [];
  const steps: StepResult[] = [];
  let resources: RuntimeReport['resources'] = [];
  let missingResources: string[] = [];
  const timings = { prepareMs: 0, teardownMs: 0, stepsMs: 0, totalMs: 0 };
  const model = await readService(given);
  const finish = (evidence?: Evidence): RuntimeReport => {
    timings.totalMs = Math.round(performance.now() - started);
    return buildRuntimeReport({
      ...(evidence ? { evidence } : {}),
      runId,
      profile: profile.id,
      scenario: { name, dir: given },
      lifecycle: model?.lifecycle != null,
      resources,
      missingResources,
      steps,
      findings,
      timings,
    });
  };
  const external = options.external;
  const runExternal = async (): Promise<void> => {
    if (!external) return;
    const run = await runExternalRuntime(
      { ...options, external },
      { dir: given, name, profile },
      limits,
    );
    steps.push(run.step);
    logStep(run.step);
    findings.push(...run.findings);
    if (options.signal?.aborted) throw options.signal.reason;
  };
  if (external?.mode === 'instead') {
    await runExternal();
    // What the command checked is its own business: a pass shows the scenario ran, no more.
    return finish(steps.every((x) => x.status === 'passed') ? 'ran' : 'structure');
  }
  if (!model) {
    findings.push({
      severity: 'error',
      ruleId: 'runtime.service-json',
      message: 'No readable service.json (.vrooli/service.json or service.json): nothing to run.',
    });
    return finish();
  }

  let sandbox: Sandbox;
  try {
    sandbox = await createSandbox({
      source: given,
      layout: profile.deployPath(name),
      commands: model.lifecycle
        ? [...model.lifecycle.setup, ...model.lifecycle.develop, ...model.lifecycle.test].map(
            (s) => s.run,
          )
        : [],
      ...(options.runAs ? { runAs: options.runAs } : {}),
    });
  } catch (e) {
    if (!isAppError(e, 'deploy_error')) throw e;
    findings.push({ severity: 'error', ruleId: 'runtime.copy', message: e.message });
    return finish();
  }

  let provisioned: Provisioned | undefined;
  const supervised: Supervised[] = [];
  try {
    provisioned = await provisionResources(model, options.providers, limits.budgetMs + 60_000);
    findings.push(...provisioned.findings);
    resources = provisioned.resources;
    missingResources = provisioned.missing;
    const env = runEnv({
      sandbox,
      name,
      runId,
      source: options.env ?? {},
      variables: provisioned.env,
      ...(options.runAs ? { runAs: options.runAs } : {}),
    });
    timings.prepareMs = Math.round(performance.now() - started);
    const stepsStarted = performance.now();
    const init = await initialise({
      model,
      dir: sandbox.scenarioDir,
      resources,
      categorised,
      timeoutMs: limits.stepTimeoutMs,
      ...(provisioned.postgres ? { postgres: provisioned.postgres } : {}),
    });
    if (init.step) {
      steps.push(init.step);
      logStep(init.step);
    }
    findings.push(...init.findings);
    await writeState(sandbox.state, {
      populateOk: init.ok,
      populateLog: init.log,
      provided: resources.filter((r) => r.status === 'provided').map((r) => r.name),
    });
    if (missingResources.length > 0)
      steps.push(...notRun(model, 'not run: a required resource is missing'));
    else if (!init.ok) steps.push(...notRun(model, 'not run: the initialisation failed'));
    else {
      const out = await runLifecycle({
        model,
        cwd: sandbox.scenarioDir,
        env,
        stateDir: sandbox.state,
        timeoutMs: limits.stepTimeoutMs,
        healthTimeoutMs: limits.healthTimeoutMs,
        tailBytes: limits.tailBytes,
        signal,
        supervised,
        onStep: logStep,
        ...(options.runAs ? { runAs: options.runAs } : {}),
      });
      steps.push(...out.steps);
      findings.push(...out.findings);
    }
    timings.stepsMs = Math.round(performance.now() - stepsStarted);
  } finally {
    const teardown = performance.now();
    await Promise.all(supervised.map((s) => s.proc.stop(STOP_GRACE_MS)));
    const escaped = await sweepRun(runId);
    const problems = (await provisioned?.release()) ?? [];
    await sandbox.remove();
    timings.teardownMs = Math.round(performance.now() - teardown);
    if (escaped.length > 0)
      findings.push({
        severity: 'info',
        ruleId: 'runtime.teardown.stray-processes',
        message: `${escaped.length} process(es) had left their process group and were killed at the end.`,
      });
    for (const p of problems)
      findings.push({
        severity: 'warning',
        ruleId: 'runtime.teardown',
        message: `A scratch resource could not be cleaned up: ${p}`,
      });
  }
  if (options.signal?.aborted) throw options.signal.reason;
  if (budget.aborted)
    findings.push({
      severity: 'error',
      ruleId: 'runtime.budget',
      message: `The runtime check's budget of ${Math.round(limits.budgetMs / 1000)} s ran out; what had not finished was stopped.`,
    });
  if (!findings.some((f) => f.severity === 'error')) await runExternal();
  for (const s of steps.filter((x) => x.background))
    log(`runtime: ${s.phase}/${s.name} ${s.status}`);
  return finish();
}
