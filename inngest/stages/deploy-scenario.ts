import { rm } from 'node:fs/promises';
import path from 'node:path';
import { saveArtifact } from '../../db/artifacts.ts';
import { auditDeploy } from '../../db/deploy-audit.ts';
import { unpackBundle } from '../../runner/bundle.ts';
import { deployToArchive } from '../../runner/deploy-targets/index.ts';
import { isAppError } from '../../core/errors.ts';
import { RunFailure } from '../errors.ts';
import { BundleRequested, DEPLOY_REQUESTED } from '../events.ts';
import { tracked } from '../stage-kit/agent-step.ts';
import { scratchDir } from '../stage-kit/check.ts';
import { loadRunContext, percent } from '../stage-kit/context.ts';
import type { PipelineDeps } from '../stage-kit/deps.ts';
import { enter, runIsOver } from '../stage-kit/phase.ts';
import { isCancelRequested } from '../../db/runs.ts';
import type { FunctionSpec } from '../spec.ts';

/**
 * deploy-scenario: deploys a validated bundle to the configured target — an archive in the
 * object store (always kept, it is also the download), a Vrooli checkout, or the user's command.
 */
export interface DeployOutcome {
  target: string;
  location: string;
  archiveKey: string;
}

export const archiveKeyOf = (scenarioId: string, slug: string, runId: string) =>
  `deployments/${scenarioId}/${slug}-${runId}.tar.gz`;

export function createDeployScenario(
  deps: PipelineDeps,
): FunctionSpec<BundleRequested, DeployOutcome> {
  return {
    id: 'deploy-scenario',
    name: 'Deploy a scenario',
    trigger: { event: DEPLOY_REQUESTED },
    schema: BundleRequested,
    retries: 2,
    // Caps agent sessions per stage (under Inngest, concurrency counts executing steps).
    concurrency: [{ limit: deps.config.RUN_CONCURRENCY }],
    cancelOn: [{ event: 'scenario/run.cancel', matchField: 'runId' }],
    async handler({ event, step, signal }) {
      const ctx = await step.run('load', () => loadRunContext(deps.sql, event.data.runId));
      return tracked(
        step,
        deps,
        ctx,
        'deploy',
        { phase: 'deploying', name: `deploy (${deps.deploy.kind})` },
        async () => {
          await enter(deps, ctx, 'deploying');
          const tmp = await scratchDir(deps, 'deploy');
          try {
            const dir = path.join(tmp, ctx.slug);
            await unpackBundle(deps.store, event.data.bundleKey, dir);
            const archive = await deployToArchive({
              scenarioDir: dir,
              name: ctx.slug,
              store: deps.store,
              key: archiveKeyOf(ctx.scenarioId, ctx.slug, ctx.runId),
            });
            await saveArtifact(deps.sql, {
              runId: ctx.runId,
              scenarioId: ctx.scenarioId,
              phase: 'deploying',
              iteration: 1,
              kind: 'archive',
              objectKey: archive.key,
              manifest: [],
              fileCount: 0,
              totalBytes: archive.size,
              sha256: archive.sha256,
            });
            let location = archive.key;
            // The archive is harmless; a checkout or a command is not: check once more that the run is live.
            if (deps.deploy.external) {
              if (await isCancelRequested(deps.sql, ctx.runId)) throw runIsOver();
              location = (
                await deps.deploy.deploy({
                  scenarioDir: dir,
                  name: ctx.slug,
                  profile: ctx.profile,
                  archiveKey: archive.key,
                  signal,
                })
              ).location;
            }
            await deps.reporter.report({
              scenarioId: ctx.scenarioId,
              runId: ctx.runId,
              kind: 'progress',
              phase: 'deploying',
              message: `deployed (${deps.deploy.kind}): ${location}`,
              live: {
                progress: percent('deploying', 1, 1),
                lastAction: `deployed to ${deps.deploy.kind}`,
              },
            });
            await auditDeploy(deps.sql, {
              runId: ctx.runId,
              target: deps.deploy.kind,
              location,
              outcome: 'ok',
            });
            return { target: deps.deploy.kind, location, archiveKey: archive.key };
          } catch (e) {
            await auditDeploy(deps.sql, {
              runId: ctx.runId,
              target: deps.deploy.kind,
              outcome: 'failed',
              code: isAppError(e) ? e.code : 'internal',
            }).catch(() => {});
            // A refused deploy (name taken, command failed) will not succeed on a retry.
            if (isAppError(e, 'conflict') || isAppError(e, 'deploy_error'))
              throw new RunFailure('deploy_failed', e.message);
            throw e;
          } finally {
            await rm(tmp, { recursive: true, force: true });
          }
        },
      );
    },
  };
}
