import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { saveValidation } from '../../db/validations.ts';
import { unpackBundle } from '../../runner/bundle.ts';
import {
  getProfile,
  runExternalValidator,
  validateScenario,
  type Finding,
} from '../../runner/validate/index.ts';
import type { Evidence, RuntimeStatus } from '../../runner/runtime/index.ts';
import type { RunContext } from './context.ts';
import { checkRuntime, type RuntimeDeps } from './runtime.ts';
import type { PipelineDeps } from './deps.ts';

/**
 * Validates a scenario folder (or a bundle restored into an isolated temp folder of the
 * scenario's name) with the built-in profile rules, and with the configured external command
 * when asked. Each validator's verdict is stored per attempt; the combined verdict is invalid when
 * any validator found an error — never a pass the output contradicts.
 */
export interface CheckResult {
  /** Every check asked for passed: structure, the external validator, the runtime check. */
  valid: boolean;
  /** The built-in rules and the external validator passed (the scenario's files are right). */
  structurallyValid: boolean;
  /** What the runtime check found, when it ran (only on a structurally valid scenario). */
  runtime?: { status: RuntimeStatus; evidence: Evidence; missing: string[] };
  findings: Finding[];
  errorCount: number;
  warningCount: number;
}

/** What checking a scenario uses of the pipeline's dependencies. */
export type CheckDeps = RuntimeDeps & Pick<PipelineDeps, 'config' | 'runnerRoot'>;

export async function checkDir(
  deps: CheckDeps,
  ctx: RunContext,
  dir: string,
  o: { phase: string; attempt: number; external: boolean; runtime?: boolean; signal?: AbortSignal },
): Promise<CheckResult> {
  const t0 = Date.now();
  const report = await validateScenario({ dir, profile: ctx.profile, name: ctx.slug });
  await saveValidation(deps.sql, {
    runId: ctx.runId,
    scenarioId: ctx.scenarioId,
    phase: o.phase,
    validator: 'builtin',
    profile: report.profile,
    attempt: o.attempt,
    passed: report.valid,
    errorCount: report.counts.error,
    warningCount: report.counts.warning,
    findings: report.findings,
    exitCode: null,
    rawOutputKey: null,
    durationMs: Date.now() - t0,
  });
  const findings = [...report.findings];
  let valid = report.valid;
  const command = deps.config.EXTERNAL_VALIDATOR;
  if (o.external && command) {
    const ext = await runExternalValidator({
      command,
      scenarioDir: dir,
      name: ctx.slug,
      layout: getProfile(ctx.profile).deployPath(ctx.slug),
      timeoutMs: 5 * 60_000,
      env: deps.commandEnv,
      ...(deps.boundary.runAs ? { runAs: deps.boundary.runAs } : {}),
      ...(deps.config.VROOLI_ROOT
        ? { seed: { from: deps.config.VROOLI_ROOT, paths: ['scripts'] } }
        : {}),
    });
    const rawKey = `runs/${ctx.runId}/validation/${o.phase}-external-${o.attempt}.log`;
    await deps.store.put(rawKey, ext.output, { contentType: 'text/plain; charset=utf-8' });
    await saveValidation(deps.sql, {
      runId: ctx.runId,
      scenarioId: ctx.scenarioId,
      phase: o.phase,
      validator: 'external',
      profile: report.profile,
      attempt: o.attempt,
      passed: ext.passed,
      errorCount: ext.findings.filter((f) => f.severity === 'error').length,
      warningCount: ext.findings.filter((f) => f.severity === 'warning').length,
      findings: ext.findings,
      exitCode: ext.exitCode,
      rawOutputKey: rawKey,
      durationMs: ext.durationMs,
    });
    findings.push(...ext.findings);
    valid = valid && ext.passed;
  }
  const structurallyValid = valid;
  let runtime: CheckResult['runtime'];
  if (o.runtime && structurallyValid && deps.runtime.mode !== 'off') {
    const rt = await checkRuntime(deps, ctx, dir, o);
    runtime = { status: rt.status, evidence: rt.evidence, missing: rt.missing };
    findings.push(...rt.findings);
    valid = rt.status === 'passed';
  }
  return {
    valid,
    structurallyValid,
    ...(runtime ? { runtime } : {}),
    findings,
    errorCount: findings.filter((f) => f.severity === 'error').length,
    warningCount: findings.filter((f) => f.severity === 'warning').length,
  };
}

/** Restores a bundle into a temp folder named after the scenario and checks it there. */
/** A fresh scratch folder under the runner's root (which may have been wiped since the last step). */
export async function scratchDir(
  deps: Pick<PipelineDeps, 'runnerRoot'>,
  prefix: string,
): Promise<string> {
  await mkdir(deps.runnerRoot, { recursive: true });
  return mkdtemp(path.join(deps.runnerRoot, `${prefix}-`));
}

export async function checkBundle(
  deps: CheckDeps,
  ctx: RunContext,
  bundleKey: string,
  o: { phase: string; attempt: number; external: boolean; runtime?: boolean; signal?: AbortSignal },
): Promise<CheckResult> {
  const tmp = await scratchDir(deps, 'check');
  try {
    const dir = path.join(tmp, ctx.slug);
    await unpackBundle(deps.store, bundleKey, dir);
    return await checkDir(deps, ctx, dir, o);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
