import { saveValidation } from '../../db/validations.ts';
import { runRuntimeCheck, type Evidence, type RuntimeStatus } from '../../runner/runtime/index.ts';
import type { Finding } from '../../runner/validate/index.ts';
import type { RunContext } from './context.ts';
import type { PipelineDeps } from './deps.ts';

/**
 * The runtime check as a pipeline check: the scenario, already structurally valid, runs in an
 * isolated copy with scratch resources (runner/runtime/), as the agent user. Its report is
 * stored beside the other validators' (validator `runtime`, the whole report in the object
 * store), and its `runtime.*` findings feed the fix loop like any other.
 */
export interface RuntimeVerdict {
  status: RuntimeStatus;
  evidence: Evidence;
  /** What this machine lacked, when not exercised. */
  missing: string[];
  findings: Finding[];
}

/** What the runtime check uses of the pipeline's dependencies. */
export type RuntimeDeps = Pick<
  PipelineDeps,
  'sql' | 'store' | 'runtime' | 'commandEnv' | 'boundary'
>;

export async function checkRuntime(
  deps: RuntimeDeps,
  ctx: RunContext,
  dir: string,
  o: { phase: string; attempt: number; signal?: AbortSignal },
): Promise<RuntimeVerdict> {
  const report = await runRuntimeCheck({
    dir,
    profile: ctx.profile,
    name: ctx.slug,
    providers: deps.runtime.providers,
    env: deps.commandEnv,
    ...(deps.boundary.runAs ? { runAs: deps.boundary.runAs } : {}),
    ...(o.signal ? { signal: o.signal } : {}),
  });
  const key = `runs/${ctx.runId}/validation/${o.phase}-runtime-${o.attempt}.json`;
  await deps.store.put(key, JSON.stringify(report, null, 2), {
    contentType: 'application/json',
  });
  await saveValidation(deps.sql, {
    runId: ctx.runId,
    scenarioId: ctx.scenarioId,
    phase: o.phase,
    validator: 'runtime',
    profile: report.profile,
    attempt: o.attempt,
    passed: report.status === 'passed',
    errorCount: report.counts.error,
    warningCount: report.counts.warning,
    findings: report.findings,
    exitCode: null,
    rawOutputKey: key,
    durationMs: report.timings.totalMs,
  });
  return {
    status: report.status,
    evidence: report.evidence,
    missing: report.missing,
    findings: report.findings,
  };
}
