import { failureClassOf, RunFailure } from '../errors.ts';
import { GENERATION_REQUESTED, GenerationRequested } from '../events.ts';
import { tracked } from '../stage-kit/agent-step.ts';
import { loadRunContext } from '../stage-kit/context.ts';
import type { PipelineDeps } from '../stage-kit/deps.ts';
import { restoreFrom } from '../stage-kit/restore.ts';
import { runFacts } from '../../db/run-facts.ts';
import type { FunctionSpec } from '../spec.ts';
import type { BuildResult } from './build-scenario.ts';
import type { DeployOutcome } from './deploy-scenario.ts';
import type { PlanResult } from './plan-scenario.ts';
import type { ValidateResult } from './validate-scenario.ts';

/**
 * generate-scenario: the orchestrator for `scenario/generation.requested`. Invokes planning →
 * building → validation → deploy (or starts at a later phase, restoring the earlier phases'
 * results from a previous run), records the outcome and the facts analytics need, and marks the
 * run failed with its classified cause when anything fails for good.
 */
export interface Stages {
  plan: FunctionSpec<{ runId: string; scenarioId: string; campaignId: string }, PlanResult>;
  build: FunctionSpec<
    { runId: string; scenarioId: string; campaignId: string; planKey: string },
    BuildResult
  >;
  validate: FunctionSpec<
    { runId: string; scenarioId: string; campaignId: string; bundleKey: string; maxFixes?: number },
    ValidateResult
  >;
  deploy: FunctionSpec<
    { runId: string; scenarioId: string; campaignId: string; bundleKey: string },
    DeployOutcome
  >;
}

const ORDER = ['planning', 'implementing', 'validating', 'deploying'] as const;

export function createGenerateScenario(
  deps: PipelineDeps,
  stages: Stages,
): FunctionSpec<GenerationRequested, { status: string }> {
  return {
    id: 'generate-scenario',
    name: 'Generate a scenario',
    trigger: { event: GENERATION_REQUESTED },
    schema: GenerationRequested,
    retries: 2,
    concurrency: [
      { limit: deps.config.RUN_CONCURRENCY },
      { limit: deps.config.CAMPAIGN_CONCURRENCY, key: 'event.data.campaignId' },
    ],
    cancelOn: [{ event: 'scenario/run.cancel', matchField: 'runId' }],
    async handler({ event, step }) {
      const ref = {
        runId: event.data.runId,
        scenarioId: event.data.scenarioId,
        campaignId: event.data.campaignId,
      };
      const ctx = await step.run('load', () => loadRunContext(deps.sql, ref.runId));
      const from = ORDER.indexOf(event.data.fromPhase ?? 'planning');
      const restored = event.data.sourceRunId
        ? await step.run('restore', () => restoreFrom(deps.sql, event.data.sourceRunId!))
        : {};
      if (event.data.deployBundleKey) return rollback(event.data.deployBundleKey);

      async function rollback(bundleKey: string): Promise<{ status: string }> {
        // The earlier bundle is checked again (no fixes: it must stay byte for byte) before it is redeployed.
        const checked = await invokeStage(step, 'validate', stages.validate, {
          ...ref,
          bundleKey,
          maxFixes: 0,
        });
        if (!checked.deployable) {
          await step.run('finish-invalid', async () => {
            await deps.lifecycle.fail(ref, {
              failureClass: 'validation_failed',
              error: 'The bundle to roll back to does not pass validation; it was not deployed.',
              message: 'Rollback refused: that bundle does not pass validation.',
            });
            return null;
          });
          return { status: 'failed' };
        }
        const deployed = await invokeStage(step, 'deploy', stages.deploy, { ...ref, bundleKey });
        await step.run('finish', async () => {
          await deps.lifecycle.succeed(ref, {
            facts: {
              rollbackOf: bundleKey,
              deploy: deployed,
              keys: { ...restored, bundleKey, validBundleKey: bundleKey },
            },
            message: `Rolled back and deployed: ${deployed.location}`,
          });
          return null;
        });
        return { status: 'succeeded' };
      }

      let planKey = restored.planKey;
      if (from <= 0 || !planKey) {
        planKey = (await invokeStage(step, 'plan', stages.plan, ref)).planKey;
      }
      let bundleKey = from >= 2 ? restored.bundleKey : undefined;
      if (!bundleKey)
        bundleKey = (await invokeStage(step, 'build', stages.build, { ...ref, planKey })).bundleKey;

      let validated: ValidateResult | undefined;
      if (from <= 2 || !restored.validBundleKey) {
        validated = await invokeStage(step, 'validate', stages.validate, { ...ref, bundleKey });
        if (!validated.deployable) {
          await step.run('finish-invalid', async () => {
            const why = notDeployed(validated!);
            await deps.lifecycle.fail(ref, {
              failureClass: why.failureClass,
              error: why.error,
              message: why.message,
              facts: {
                ...(await runFacts(deps.sql, ref.runId, validated)),
                keys: { planKey, bundleKey: validated!.bundleKey },
              },
            });
            return null;
          });
          return { status: 'failed' };
        }
        bundleKey = validated.bundleKey;
      } else {
        bundleKey = restored.validBundleKey;
      }
      const deployed = await invokeStage(step, 'deploy', stages.deploy, { ...ref, bundleKey });
      await tracked(
        step,
        deps,
        ctx,
        'finish',
        { phase: 'deploying', name: 'record the outcome' },
        async () => {
          const facts = {
            ...(await runFacts(deps.sql, ref.runId, validated)),
            ...(validated
              ? {
                  evidence: validated.evidence,
                  ...(validated.runtimeStatus ? { runtimeStatus: validated.runtimeStatus } : {}),
                }
              : {}),
            deploy: deployed,
            // What later retries and rollbacks of this run restore from.
            keys: { planKey, bundleKey, validBundleKey: bundleKey },
          };
          const proof = validated ? ` (evidence: ${validated.evidence})` : '';
          await deps.lifecycle.succeed(ref, {
            facts,
            message: `Deployed${proof}: ${deployed.location}`,
          });
          return null;
        },
      );
      return { status: 'succeeded' };
    },
    async onFailure({ event, error, step }) {
      await step.run('mark-failed', async () => {
        const message = error.message ?? String(error);
        const failureClass = failureClassOf(error);
        await deps.lifecycle.fail(
          { runId: event.data.runId, scenarioId: event.data.scenarioId },
          {
            failureClass,
            error: `${failureClass === 'internal' ? '' : `${failureClass}: `}${message}`,
            message: `Run ${failureClass === 'cancelled' ? 'cancelled' : 'failed'}: ${message}`,
            facts: await runFacts(deps.sql, event.data.runId),
          },
        );
        return null;
      });
    },
  };
}

/** Invokes a stage; a stage that failed for good fails the run without re-invoking it. */
async function invokeStage<D, R>(
  step: Parameters<FunctionSpec<D, R>['handler']>[0]['step'],
  id: string,
  fn: FunctionSpec<D, R>,
  data: D,
): Promise<R> {
  try {
    return await step.invoke(id, { function: fn, data });
  } catch (e) {
    // The stage already retried what it could; its class travels on.
    throw new RunFailure(failureClassOf(e), (e as Error).message ?? String(e));
  }
}

/** Why a validated scenario is not deployed, for the run's record and its viewers. */
function notDeployed(v: ValidateResult): { failureClass: string; error: string; message: string } {
  if (v.runtimeStatus === 'not-exercised')
    return {
      failureClass: 'not_exercised',
      error: `The scenario is structurally valid but could not be run here (missing: ${(v.missing ?? []).join(', ')}); RUN_CHECK=required deploys only a scenario that ran.`,
      message:
        'Run failed: the scenario could not be run here, so it was not deployed (set RUN_CHECK=advisory to deploy it unproven).',
    };
  if (v.runtimeStatus === 'failed')
    return {
      failureClass: 'runtime_failed',
      error: `The scenario is structurally valid but still fails the runtime check after ${v.fixes} fix(es): ${v.errorCount} error(s).`,
      message: 'Run failed: the scenario did not run cleanly; it was not deployed.',
    };
  return {
    failureClass: 'validation_failed',
    error: `The scenario is still invalid after ${v.fixes} fix(es): ${v.errorCount} error(s).`,
    message: 'Run failed: the scenario did not pass validation; it was not deployed.',
  };
}
