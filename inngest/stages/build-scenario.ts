import { saveArtifact } from '../../db/artifacts.ts';
import { packBundle } from '../../runner/bundle.ts';
import { BUILD_REQUESTED, BuildRequested } from '../events.ts';
import { agentStep, judge } from '../stage-kit/agent-step.ts';
import { formatFindings } from '../../prompts/format.ts';
import { checkDir } from '../stage-kit/check.ts';
import { formatGuide, lessons } from '../stage-kit/guides.ts';
import { loadRunContext, percent } from '../stage-kit/context.ts';
import type { PipelineDeps } from '../stage-kit/deps.ts';
import { enter } from '../stage-kit/phase.ts';
import { runStageSession } from '../stage-kit/session.ts';
import type { FunctionSpec } from '../spec.ts';

/**
 * build-scenario: 1–5 implementation iterations. The agent writes the scenario's files from the
 * chosen plan into a workspace restored from the previous iteration's bundle; after each, the
 * validator runs and its findings go into the next iteration's prompt; each iteration's files are
 * stored as a bundle with a manifest. Stops early once the files are valid.
 */
export interface BuildResult {
  bundleKey: string;
  artifactId: string;
  valid: boolean;
  iterations: number;
}

export const bundleKeyOf = (runId: string, phase: string, iteration: number) =>
  `runs/${runId}/bundles/${phase}-${String(iteration).padStart(2, '0')}.tar.gz`;

export function createBuildScenario(deps: PipelineDeps): FunctionSpec<BuildRequested, BuildResult> {
  return {
    id: 'build-scenario',
    name: 'Implement a scenario',
    trigger: { event: BUILD_REQUESTED },
    schema: BuildRequested,
    retries: 2,
    // Caps agent sessions per stage (under Inngest, concurrency counts executing steps).
    concurrency: [{ limit: deps.config.RUN_CONCURRENCY }],
    cancelOn: [{ event: 'scenario/run.cancel', matchField: 'runId' }],
    async handler({ event, step, signal }) {
      const ctx = await step.run('load', () => loadRunContext(deps.sql, event.data.runId));
      const total = ctx.budget.implementationIterations;
      let previous: { bundleKey: string; findings: string } | undefined;
      let result: BuildResult | undefined;
      for (let i = 1; i <= total; i++) {
        const prev = previous;
        result = await agentStep(
          step,
          deps,
          ctx,
          `implement-${i}`,
          { phase: 'implementing', iteration: i, name: `implementation ${i}` },
          async (stepKey) => {
            await enter(deps, ctx, 'implementing', i);
            const plan = (await deps.store.get(event.data.planKey)).toString('utf8');
            const { outcome, inspected } = await runStageSession(deps, {
              ctx,
              phase: 'implementing',
              iteration: i,
              stepKey,
              signal,
              template: 'implement',
              writes: { mustChange: false },
              vars: {
                request: ctx.request,
                slug: ctx.slug,
                plan,
                formatGuide: formatGuide(ctx.profile),
                iteration: String(i),
                findings: prev?.findings ?? formatFindings([]),
                lessons: await lessons(deps.sql),
              },
              // The first build of a change starts from the deployed files.
              ...(prev
                ? { restoreBundleKey: prev.bundleKey }
                : ctx.budget.change
                  ? { restoreBundleKey: ctx.budget.change.baseBundleKey }
                  : {}),
              inspect: async (workspace, out) => {
                if (out.class !== 'success') return undefined;
                const bundle = await packBundle(
                  deps.store,
                  workspace,
                  bundleKeyOf(ctx.runId, 'implementing', i),
                );
                const artifactId = await saveArtifact(deps.sql, {
                  runId: ctx.runId,
                  scenarioId: ctx.scenarioId,
                  phase: 'implementing',
                  iteration: i,
                  kind: 'bundle',
                  objectKey: bundle.key,
                  manifest: bundle.manifest,
                  fileCount: bundle.fileCount,
                  totalBytes: bundle.totalBytes,
                  sha256: bundle.sha256,
                });
                const check = await checkDir(deps, ctx, workspace, {
                  phase: 'implementing',
                  attempt: i,
                  external: false,
                });
                return { bundle, artifactId, check };
              },
            });
            const r = judge(
              outcome,
              () => inspected!,
              ctx.budget.usageLimitBackoffMs ?? deps.config.USAGE_LIMIT_BACKOFF,
            );
            if (r.kind !== 'ok') return r;
            const { bundle, artifactId, check } = r.value;
            await deps.reporter.report({
              scenarioId: ctx.scenarioId,
              runId: ctx.runId,
              kind: 'progress',
              phase: 'implementing',
              iteration: i,
              level: check.valid ? 'info' : 'warn',
              message: `implementation ${i}: ${bundle.fileCount} files, ${check.errorCount} errors, ${check.warningCount} warnings`,
              live: { progress: percent('implementing', i, total), iteration: i },
              data: { findings: check.findings.slice(0, 50) },
            });
            return {
              kind: 'ok' as const,
              value: {
                bundleKey: bundle.key,
                artifactId,
                valid: check.valid,
                iterations: i,
                findingsText: formatFindings(check.findings.filter((f) => f.severity !== 'info')),
              },
            };
          },
        ).then(({ findingsText, ...rest }) => {
          previous = { bundleKey: rest.bundleKey, findings: findingsText };
          return rest;
        });
        if (result!.valid) break;
      }
      return result!;
    },
  };
}
