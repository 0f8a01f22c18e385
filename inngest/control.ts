import { PHASES, type Phase } from '../core/domain.ts';
import { AppError, NotFoundError, ConflictError } from '../core/errors.ts';
import type { Sql } from '../db/client.ts';
import { getRun, listRuns, type Run } from '../db/runs.ts';
import { getScenario } from '../db/scenarios.ts';
import { getArtifact } from '../db/artifacts.ts';
import type { Engine } from './engine/port.ts';
import type { RunLifecycle } from './lifecycle.ts';
import { GENERATION_REQUESTED, RUN_CANCEL } from './events.ts';
import { resolveBudget, type ChangeRequest } from '../core/budget.ts';
import { budgetOverrides, serverDefaults } from '../db/settings.ts';
import { DEMO_MODEL_NAME } from '../core/model-name.ts';
import { missingFor, restoreFrom, resumablePhases } from './stage-kit/restore.ts';
import { artifactPrunedAt } from '../db/retention.ts';

/** Starting and stopping runs, as the HTTP layer sees it (implemented by the pipeline). */
export interface PipelineControl {
  /** Starts a new run for the scenario; returns the run row. */
  generate(scenarioId: string, actor: string, options?: { trigger?: string }): Promise<Run>;
  /** Cancels a run; returns the run row. */
  cancelRun(runId: string, actor: string): Promise<Run>;
  /** Cancels the scenario's current run, if any. */
  cancelScenario(scenarioId: string, actor: string): Promise<Run | null>;
  /** Starts a new run from `fromPhase`, restoring earlier phases from the given run's bundles. */
  retry(runId: string, fromPhase: Phase, actor: string): Promise<Run>;
  /** Redeploys an earlier bundle of the scenario (after checking it again). */
  rollback(scenarioId: string, artifactId: string, actor: string): Promise<Run>;
  /**
   * Starts a change run: from the deployed version's files, plan the change, implement,
   * validate, run-check and deploy it as a new version.
   */
  change(scenarioId: string, request: string, actor: string): Promise<Run>;
}

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
  lifecycle: RunLifecycle;
  defaultModel: string;
  /** The demo model answers every session: runs record its name, whatever was asked. */
  demoModel?: boolean;
}): Control {
  const { sql, engine, lifecycle } = deps;

  async function start(
    scenarioId: string,
    actor: string,
    trigger: string,
    extra: { fromPhase?: Phase; sourceRunId?: string; deployBundleKey?: string } = {},
    why = '',
    change?: ChangeRequest,
  ): Promise<Run> {
    const s = await getScenario(sql, scenarioId);
    // Read at every start: a change on the settings page reaches the next run without a restart.
    const defaults = await serverDefaults(sql);
    const budget = resolveBudget(
      s.complexity,
      s.config,
      defaults.model ?? deps.defaultModel,
      await budgetOverrides(sql),
    );
    if (defaults.usageLimitBackoffMs) budget.usageLimitBackoffMs = defaults.usageLimitBackoffMs;
    if (defaults.agent) budget.defaultAgent = defaults.agent;
    if (deps.demoModel) budget.model = DEMO_MODEL_NAME;
    if (change) budget.change = change;
    const run = await lifecycle.queue(
      {
        scenarioId,
        trigger,
        config: budget as unknown as Record<string, unknown>,
        ...(extra.fromPhase ? { fromPhase: extra.fromPhase } : {}),
        ...(extra.sourceRunId ? { parentRunId: extra.sourceRunId } : {}),
      },
      actor,
      `${trigger}${extra.fromPhase ? `, from ${extra.fromPhase}` : ''}${why}`,
    );
    try {
      await engine.send({
        name: GENERATION_REQUESTED,
        id: `generate-${run.id}`,
        data: { runId: run.id, scenarioId, campaignId: s.campaignId, ...extra },
      });
    } catch (e) {
      // The engine never got the run: do not leave it queued forever.
      await lifecycle.fail(
        { runId: run.id, scenarioId },
        {
          failureClass: 'engine_unavailable',
          error: `The run could not be handed to the ${engine.kind} engine: ${(e as Error).message}`,
          message: 'The run could not be started: the engine did not accept it.',
        },
      );
      const hint =
        engine.kind === 'inngest'
          ? ' Start the Inngest server (with INNGEST_DEV: `npx inngest-cli dev`), or unset INNGEST_DEV and INNGEST_BASE_URL to run on the built-in executor.'
          : '';
      throw new AppError(
        'service_unavailable',
        `The run could not be started: the ${engine.kind} engine did not accept it (${(e as Error).message}).${hint}`,
        { cause: e },
      );
    }
    return run;
  }

  async function cancelRun(runId: string, actor: string): Promise<Run> {
    const run = await getRun(sql, runId);
    if (!(await lifecycle.cancel(run, actor)))
      throw new ConflictError(`The run is already ${run.status}.`, { status: run.status });
    // The engine stops the run's functions; running sessions see it through their run's signal.
    await engine.send({ name: RUN_CANCEL, id: `cancel-${runId}`, data: { runId } });
    return getRun(sql, runId);
  }

  return {
    async generate(scenarioId, actor, options = {}) {
      return start(scenarioId, actor, options.trigger ?? 'api');
    },
    async cancelRun(runId, actor) {
      return cancelRun(runId, actor);
    },
    async cancelScenario(scenarioId, actor) {
      const s = await getScenario(sql, scenarioId);
      if (!s.currentRunId) throw new NotFoundError('Run of scenario', scenarioId);
      return cancelRun(s.currentRunId, actor);
    },
    async retry(runId, fromPhase, actor) {
      const run = await getRun(sql, runId);
      // Start where the earlier run's work really allows, and say so when that is earlier.
      const restored = await restoreFrom(sql, runId);
      const can = resumablePhases(restored);
      const from = can.includes(fromPhase)
        ? fromPhase
        : can.filter((p) => PHASES.indexOf(p) < PHASES.indexOf(fromPhase)).at(-1)!;
      const why =
        from === fromPhase
          ? ''
          : `; ${fromPhase} was asked, but run ${run.number} cannot resume there: ${missingFor(fromPhase, restored)}`;
      return start(run.scenarioId, actor, 'retry', { fromPhase: from, sourceRunId: runId }, why);
    },
    async rollback(scenarioId, artifactId, actor) {
      const artifact = await getArtifact(sql, artifactId);
      if (artifact.scenarioId !== scenarioId)
        throw new NotFoundError('Bundle of scenario', artifactId);
      if (artifact.kind !== 'bundle')
        throw new ConflictError('Only a file bundle can be rolled back to (not an archive).');
      const pruned = await artifactPrunedAt(sql, artifactId);
      if (pruned)
        throw new ConflictError(
          `That bundle was deleted by retention housekeeping (BUNDLE_RETENTION) on ${pruned.toISOString()}; it cannot be rolled back to.`,
          { artifactId, prunedAt: pruned.toISOString() },
        );
      return start(scenarioId, actor, 'rollback', {
        fromPhase: 'deploying',
        sourceRunId: artifact.runId,
        deployBundleKey: artifact.objectKey,
      });
    },
    async change(scenarioId, request, actor) {
      const [base] = await listRuns(sql, { scenarioId, statuses: ['succeeded'], limit: 1 });
      const keys = base ? await restoreFrom(sql, base.id) : {};
      const baseBundleKey = keys.validBundleKey ?? keys.bundleKey;
      if (!base || !baseBundleKey)
        throw new ConflictError(
          'The scenario has no deployed version to change yet: generate it first.',
        );
      // The deployed run is the parent: the change's history (and a later retry) follows it.
      return start(
        scenarioId,
        actor,
        'change',
        { fromPhase: 'planning', sourceRunId: base.id },
        `, from run ${base.number}`,
        { request, baseRunId: base.id, baseRunNumber: base.number, baseBundleKey },
      );
    },
  };
}
