import { byWhom } from '../core/actor.ts';
import type { Phase } from '../core/domain.ts';
import type { ProgressReporter } from '../db/progress.ts';
import type { Sql } from '../db/client.ts';
import { enterPhase, finishRun, markSleeping } from '../db/run-state.ts';
import { createRun, listRuns, requestCancel, type NewRun, type Run } from '../db/runs.ts';
import { stepStarted } from '../db/run-steps.ts';
import { RunFailure } from './errors.ts';
import { noticeOfFailure, type NoticeRequested } from './notices.ts';

/**
 * The one owner of a run's lifecycle: queued → running (phase by phase) ⇄ sleeping →
 * succeeded | failed | cancelled. Every change of a run's state (and its scenario's mirror
 * columns) goes through here, together with the live status event viewers see, so the two never
 * disagree. The control (API, CLI, webhooks) queues and cancels; stages enter phases and sleep;
 * the orchestrator succeeds or fails. A run that is already over changes no more: `enter` and
 * `sleep` then throw (a cancelled run starts no further session or deploy), `finish` is a no-op.
 */
export interface RunRef {
  runId: string;
  scenarioId: string;
}

export interface RunLifecycle {
  /** Creates the run (queued) and announces it. */
  queue(input: NewRun, actor: string, label: string): Promise<Run>;
  /** Moves the run into a phase; throws RunFailure('cancelled') when it is already over. */
  enter(ref: RunRef, phase: Phase, iteration?: number): Promise<void>;
  /**
   * Marks the run sleeping until `wakeAt` — a usage limit, or a spending cap it waits to see
   * raised (`reason` is then what viewers read); throws when it is already over.
   */
  sleep(
    ref: RunRef,
    o: {
      phase: string;
      stepKey: string;
      wakeAt: Date;
      reason: string;
      cause?: 'usage_limit' | 'spend_cap';
    },
  ): Promise<void>;
  /**
   * Says in each in-flight run's live log that it goes on after a restart (this process took the
   * work over); returns how many.
   */
  resumed(): Promise<number>;
  /** Deployed. */
  succeed(ref: RunRef, o: { facts: Record<string, unknown>; message: string }): Promise<void>;
  /** Failed for good, with its class; `message` is what viewers read. */
  fail(
    ref: RunRef,
    o: { failureClass: string; error: string; message: string; facts?: Record<string, unknown> },
  ): Promise<void>;
  /** Asks to cancel and ends the run at once; false when it was already over. */
  cancel(run: Run, actor: string): Promise<boolean>;
  /** Tells a run's campaign channels something that needs a person (never fails the caller). */
  notify(notice: NoticeRequested): Promise<void>;
}

export type RunEndStatus = 'succeeded' | 'failed' | 'cancelled';

export function createRunLifecycle(deps: {
  sql: Sql;
  reporter: ProgressReporter;
  /** Told once when a run ends (analytics retrain); its errors never touch the run. */
  onFinished?: (ref: RunRef, status: RunEndStatus) => void;
  /** Sends a notice (an event for notify-run); its errors never touch the run either. */
  notify?: (notice: NoticeRequested) => Promise<void>;
}): RunLifecycle {
  const { sql, reporter } = deps;
  const finished = (ref: RunRef, status: RunEndStatus) => {
    try {
      deps.onFinished?.(ref, status);
    } catch {
      // a listener's failure is its own
    }
  };
  const tell = (n: NoticeRequested) => deps.notify?.(n).catch(() => {});
  return {
    notify: async (n) => {
      await tell(n);
    },
    async queue(input, actor, label) {
      const run = await createRun(sql, input, actor);
      await reporter.report({
        scenarioId: input.scenarioId,
        runId: run.id,
        kind: 'status',
        status: 'queued',
        message: `Run ${run.number} queued (${label})`,
        live: { progress: 0 },
      });
      return run;
    },

    async enter(ref, phase, iteration = 0) {
      if (!(await enterPhase(sql, ref.runId, phase, iteration)))
        throw new RunFailure('cancelled', 'the run is already over');
      await reporter.report({
        ...ref,
        kind: 'status',
        status: phase,
        phase,
        iteration,
        message: `${phase[0]!.toUpperCase()}${phase.slice(1)}${iteration ? ` (iteration ${iteration})` : ''}`,
        live: { iteration },
      });
    },

    async sleep(ref, o) {
      const capped = o.cause === 'spend_cap';
      if (
        !(await markSleeping(
          sql,
          ref.runId,
          o.wakeAt,
          capped ? o.reason : `usage limit: sleeping until ${o.wakeAt.toISOString()}`,
        ))
      )
        throw new RunFailure('cancelled', 'the run is already over');
      await stepStarted(sql, {
        runId: ref.runId,
        stepKey: o.stepKey,
        phase: o.phase,
        name: capped ? 'spending cap: paused' : 'usage limit: sleep',
        kind: 'sleep',
        status: 'sleeping',
        wakeAt: o.wakeAt,
        message: o.reason,
      });
      await tell({
        runId: ref.runId,
        event: 'run.sleeping',
        key: `sleep:${o.stepKey}`,
        message: o.reason,
      });
      await reporter.report({
        ...ref,
        kind: 'status',
        phase: o.phase,
        status: 'sleeping',
        level: 'warn',
        message: capped
          ? o.reason
          : `Usage limit reached; sleeping until ${o.wakeAt.toISOString()}.`,
      });
    },

    async resumed() {
      const runs = await listRuns(sql, { statuses: ['running', 'sleeping'], limit: 1000 });
      for (const run of runs)
        await reporter.report({
          scenarioId: run.scenarioId,
          runId: run.id,
          kind: 'log',
          ...(run.phase ? { phase: run.phase } : {}),
          message:
            run.status === 'sleeping'
              ? 'Resumed after a restart of the server; still waiting, as before.'
              : 'Resumed after a restart of the server; the run goes on from its last finished step.',
        });
      return runs.length;
    },

    async succeed(ref, o) {
      if (!(await finishRun(sql, ref.runId, { status: 'succeeded', facts: o.facts }))) return;
      finished(ref, 'succeeded');
      await tell({ runId: ref.runId, event: 'run.succeeded', key: 'end', message: o.message });
      await reporter.report({
        ...ref,
        kind: 'status',
        status: 'deployed',
        message: o.message,
        live: { progress: 100 },
      });
    },

    async fail(ref, o) {
      const status = o.failureClass === 'cancelled' ? 'cancelled' : 'failed';
      const ended = await finishRun(sql, ref.runId, {
        status,
        failureClass: o.failureClass,
        error: o.error.slice(0, 2000),
        ...(o.facts ? { facts: o.facts } : {}),
      });
      if (!ended) return;
      finished(ref, status);
      const event = noticeOfFailure(o.failureClass);
      await tell({ runId: ref.runId, event, key: 'end', message: o.message.slice(0, 2000) });
      await reporter.report({
        ...ref,
        kind: 'status',
        status,
        level: 'error',
        message: o.message.slice(0, 1000),
      });
    },

    async cancel(run, actor) {
      if (!(await requestCancel(sql, run.id, actor))) return false;
      const ended = await finishRun(sql, run.id, {
        status: 'cancelled',
        failureClass: 'cancelled',
        error: `Cancelled${byWhom(actor)}.`,
      });
      if (ended) finished({ runId: run.id, scenarioId: run.scenarioId }, 'cancelled');
      if (ended) await tell({ runId: run.id, event: 'run.cancelled', key: 'end' });
      if (ended)
        await reporter.report({
          scenarioId: run.scenarioId,
          runId: run.id,
          kind: 'status',
          status: 'cancelled',
          level: 'warn',
          message: `Run ${run.number} cancelled${byWhom(actor)}.`,
        });
      return true;
    },
  };
}
