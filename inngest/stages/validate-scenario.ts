import { saveArtifact } from '../../db/artifacts.ts';
import { packBundle } from '../../runner/bundle.ts';
import { BundleRequested, VALIDATE_REQUESTED } from '../events.ts';
import { agentStep, judge, tracked } from '../stage-kit/agent-step.ts';
import { formatFindings } from '../../prompts/format.ts';
import { checkBundle, type CheckResult } from '../stage-kit/check.ts';
import { formatGuide } from '../stage-kit/guides.ts';
import { loadRunContext, percent } from '../stage-kit/context.ts';
import type { PipelineDeps } from '../stage-kit/deps.ts';
import { enter } from '../stage-kit/phase.ts';
import { runStageSession } from '../stage-kit/session.ts';
import type { FunctionSpec } from '../spec.ts';
import type { Evidence, RuntimeStatus } from '../../runner/runtime/index.ts';
import { bundleKeyOf } from './build-scenario.ts';

/**
 * validate-scenario: runs the validator (and the external command where configured) on an
 * isolated copy of the bundle; while it is invalid and fixes remain, a validation-fix session
 * gets the findings (rule ids, files, messages, hints) and its files are checked again. A run
 * that ends invalid is failed by the orchestrator, never deployed.
 */
export interface ValidateResult {
  /** Everything asked passed (the runtime check too, unless RUN_CHECK=off). */
  valid: boolean;
  /** The scenario may be deployed: valid, or structurally valid under RUN_CHECK=advisory. */
  deployable: boolean;
  /** How far the scenario was proven: `structure` < `ran` < `tested`. */
  evidence: Evidence;
  /** The runtime check's last verdict, when it ran. */
  runtimeStatus?: RuntimeStatus;
  /** What this machine lacked when the runtime check could not exercise the scenario. */
  missing?: string[];
  bundleKey: string;
  attempts: number;
  fixes: number;
  firstPassValid: boolean;
  signatures: string[];
  errorCount: number;
}

export function createValidateScenario(
  deps: PipelineDeps,
): FunctionSpec<BundleRequested, ValidateResult> {
  return {
    id: 'validate-scenario',
    name: 'Validate and repair a scenario',
    trigger: { event: VALIDATE_REQUESTED },
    schema: BundleRequested,
    retries: 2,
    // Caps agent sessions per stage (under Inngest, concurrency counts executing steps).
    concurrency: [{ limit: deps.config.RUN_CONCURRENCY }],
    cancelOn: [{ event: 'scenario/run.cancel', matchField: 'runId' }],
    async handler({ event, step, signal }) {
      const ctx = await step.run('load', () => loadRunContext(deps.sql, event.data.runId));
      const maxFixes = event.data.maxFixes ?? ctx.budget.validationFixes;
      let bundleKey = event.data.bundleKey;
      const check = (attempt: number, key: string) =>
        tracked(
          step,
          deps,
          ctx,
          `validate-${attempt}`,
          { phase: 'validating', iteration: attempt, name: `validation ${attempt}` },
          async () => {
            await enter(deps, ctx, 'validating', attempt);
            const r = await checkBundle(deps, ctx, key, {
              phase: 'validating',
              attempt,
              external: true,
              runtime: true,
              signal,
            });
            await deps.reporter.report({
              scenarioId: ctx.scenarioId,
              runId: ctx.runId,
              kind: 'progress',
              phase: 'validating',
              iteration: attempt,
              level: r.valid ? 'info' : 'warn',
              message: describeCheck(attempt, r),
              live: { progress: percent('validating', attempt, maxFixes + 1) },
              data: { findings: r.findings.slice(0, 50) },
            });
            return r;
          },
        );
      let result: CheckResult = await check(1, bundleKey);
      const firstPassValid = result.valid;
      const seen: CheckResult[] = [result];
      let fixes = 0;
      // A scenario that could not be exercised here (a resource or tool is missing) is not
      // something a fix can change.
      while (!result.valid && result.runtime?.status !== 'not-exercised' && fixes < maxFixes) {
        fixes++;
        const n = fixes;
        const findings = formatFindings(result.findings.filter((f) => f.severity !== 'info'));
        bundleKey = await agentStep(
          step,
          deps,
          ctx,
          `fix-${n}`,
          { phase: 'validating', iteration: n, name: `fix ${n}` },
          async (stepKey) => {
            const { outcome, inspected } = await runStageSession(deps, {
              ctx,
              phase: 'validating',
              iteration: n,
              stepKey,
              signal,
              template: 'fix-validation',
              writes: { mustChange: true },
              restoreBundleKey: bundleKey,
              vars: {
                slug: ctx.slug,
                formatGuide: formatGuide(ctx.profile),
                findings,
                attempt: String(n),
              },
              inspect: async (workspace, out) => {
                if (out.class !== 'success') return undefined;
                const b = await packBundle(
                  deps.store,
                  workspace,
                  bundleKeyOf(ctx.runId, 'validating', n),
                );
                await saveArtifact(deps.sql, {
                  runId: ctx.runId,
                  scenarioId: ctx.scenarioId,
                  phase: 'validating',
                  iteration: n,
                  kind: 'bundle',
                  objectKey: b.key,
                  manifest: b.manifest,
                  fileCount: b.fileCount,
                  totalBytes: b.totalBytes,
                  sha256: b.sha256,
                });
                return b.key;
              },
            });
            return judge(
              outcome,
              () => inspected!,
              ctx.budget.usageLimitBackoffMs ?? deps.config.USAGE_LIMIT_BACKOFF,
            );
          },
        );
        result = await check(n + 1, bundleKey);
        seen.push(result);
      }
      // The error signatures this run met; the recurring-problem tables were kept up to date by
      // the validation_results trigger as each result was saved (migration 006).
      const signatures = await step.run('count-signatures', async () => [
        ...new Set(
          seen.flatMap((r) =>
            r.findings.filter((f) => f.severity === 'error').map((f) => f.signature),
          ),
        ),
      ]);
      const evidence = result.runtime?.evidence ?? 'structure';
      return {
        valid: result.valid,
        deployable: result.valid || (deps.runtime.mode === 'advisory' && result.structurallyValid),
        evidence,
        ...(result.runtime ? { runtimeStatus: result.runtime.status } : {}),
        ...(result.runtime?.missing.length ? { missing: result.runtime.missing } : {}),
        bundleKey,
        attempts: seen.length,
        fixes,
        firstPassValid,
        signatures,
        errorCount: result.errorCount,
      };
    },
  };
}

/** The progress line of one check: structure, then how far the run got. */
function describeCheck(attempt: number, r: CheckResult): string {
  if (!r.structurallyValid) return `validation ${attempt} failed: ${r.errorCount} errors`;
  const rt = r.runtime;
  if (!rt) return `validation ${attempt} passed: structurally valid (${r.warningCount} warnings)`;
  if (rt.status === 'passed')
    return `validation ${attempt} passed: structurally valid, and it ran (evidence: ${rt.evidence})`;
  if (rt.status === 'not-exercised')
    return `validation ${attempt}: structurally valid, but not exercised here (missing: ${rt.missing.join(', ')})`;
  return `validation ${attempt} failed: structurally valid, but the runtime check found ${r.errorCount} errors`;
}
