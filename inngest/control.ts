import type { Phase } from '../core/domain.ts';
import { NotFoundError, ConflictError } from '../core/errors.ts';
import type { ProgressReporter } from '../core/progress.ts';
import type { Sql } from '../db/client.ts';
import { finishRun } from '../db/run-state.ts';
import { createRun, getRun, requestCancel, type Run } from '../db/runs.ts';
import { getScenario } from '../db/scenarios.ts';
import { getArtifact } from '../db/artifacts.ts';
import type { PipelineControl } from '../functions/deps.ts';
import type { Engine } from './engine.ts';
import { GENERATION_REQUESTED, RUN_CANCEL } from './events.ts';
import { budgetSettings, resolveBudget } from './pipeline/budgets.ts';

/**
 * Starting, cancelling and retrying runs: what the API, the CLI and webhooks call. A run row is
 * created first (so the caller gets it back at once), then the engine gets the event; a cancel
 * marks the run at once, tells the engine, and running agent sessions notice within a poll.
 */
export interface Control extends PipelineControl {
  retry(runId: string, fromPhase: Phase, actor: string): Promise<Run>;
  rollback(scenarioId: string, artifactId: string, actor: string): Promise<Run>;
}

export function createControl(deps: {
  sql: Sql;
  engine: Engine;
  reporter: ProgressReporter;
  defaultModel: string;
}): Control {
  const { sql, engine, reporter } = deps;

  async function start(
    scenarioId: string,
    actor: string,
    trigger: string,
    extra: { fromPhase?: Phase; sourceRunId?: string; deployBundleKey?: string } = {},
  ): Promise<Run> {
    const s = await getScenario(sql, scenarioId);
    const budget = resolveBudget(
      s.complexity,
      s.config,
      deps.defaultModel,
      await budgetSettings(sql),
    );
    const run = await createRun(
      sql,
      {
        scenarioId,
        trigger,
        config: budget as unknown as Record<string, unknown>,
        ...(extra.fromPhase ? { fromPhase: extra.fromPhase } : {}),
        ...(extra.sourceRunId ? { parentRunId: extra.sourceRunId } : {}),
      },
      actor,
    );
    await reporter.report({
      scenarioId,
      runId: run.id,
      kind: 'status',
      status: 'queued',
      message: `Run ${run.number} queued (${trigger}${extra.fromPhase ? `, from ${extra.fromPhase}` : ''})`,
      live: { progress: 0 },
    });
    try {
      await engine.send({
        name: GENERATION_REQUESTED,
        id: `generate-${run.id}`,
        data: { runId: run.id, scenarioId, campaignId: s.campaignId, ...extra },
      });
    } catch (e) {
      // The engine never got the run: do not leave it queued forever.
      await finishRun(sql, run.id, {
        status: 'failed',
        failureClass: 'engine_unavailable',
        error: `The run could not be handed to the ${engine.kind} engine: ${(e as Error).message}`,
      });
      await reporter.report({
        scenarioId,
        runId: run.id,
        kind: 'status',
        status: 'failed',
        level: 'error',
        message: 'The run could not be started: the engine did not accept it.',
      });
      throw e;
    }
    return run;
  }

  async function cancelRun(runId: string, actor: string): Promise<Run> {
    const run = await getRun(sql, runId);
    if (!(await requestCancel(sql, runId, actor)))
      throw new ConflictError(`The run is already ${run.status}.`, { status: run.status });
    await engine.send({ name: RUN_CANCEL, id: `cancel-${runId}`, data: { runId } });
    if (
      await finishRun(sql, runId, {
        status: 'cancelled',
        failureClass: 'cancelled',
        error: `Cancelled by ${actor}.`,
      })
    ) {
      await reporter.report({
        scenarioId: run.scenarioId,
        runId,
        kind: 'status',
        status: 'cancelled',
        level: 'warn',
        message: `Run ${run.number} cancelled by ${actor}.`,
      });
    }
    return getRun(sql, runId);
  }

  return {
    async generate(scenarioId, actor, options = {}) {
      return (await start(scenarioId, actor, options.trigger ?? 'api')) as unknown as Record<
        string,
        unknown
      >;
    },
    async cancelRun(runId, actor) {
      return (await cancelRun(runId, actor)) as unknown as Record<string, unknown>;
    },
    async cancelScenario(scenarioId, actor) {
      const s = await getScenario(sql, scenarioId);
      if (!s.currentRunId) throw new NotFoundError('Run of scenario', scenarioId);
      return (await cancelRun(s.currentRunId, actor)) as unknown as Record<string, unknown>;
    },
    async retry(runId, fromPhase, actor) {
      const run = await getRun(sql, runId);
      return start(run.scenarioId, actor, 'retry', { fromPhase, sourceRunId: runId });
    },
    async rollback(scenarioId, artifactId, actor) {
      const artifact = await getArtifact(sql, artifactId);
      if (artifact.scenarioId !== scenarioId)
        throw new NotFoundError('Bundle of scenario', artifactId);
      if (artifact.kind !== 'bundle')
        throw new ConflictError('Only a file bundle can be rolled back to (not an archive).');
      return start(scenarioId, actor, 'rollback', {
        fromPhase: 'deploying',
        sourceRunId: artifact.runId,
        deployBundleKey: artifact.objectKey,
      });
    },
  };
}
