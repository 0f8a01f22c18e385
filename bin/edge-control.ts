import type { ProgressBus } from '../core/bus/port.ts';
import type { Config } from '../core/config.ts';
import { AppError } from '../core/errors.ts';
import { createLogger } from '../core/log.ts';
import type { Sql } from '../db/client.ts';
import { executorOwnerPresent } from '../db/executor-presence.ts';
import { createReporter } from '../db/progress.ts';
import { createControl } from '../inngest/control.ts';
import { createLocalEngine } from '../inngest/engine/local/engine.ts';
import { GENERATION_REQUESTED } from '../inngest/events.ts';
import { createRunLifecycle } from '../inngest/lifecycle.ts';
import { noticeEvent } from '../inngest/notices.ts';
import { enqueueOnlySpecs, needsRunner } from '../inngest/routes.ts';
import type { PipelineControl } from '../functions/deps.ts';

/**
 * Starting and cancelling runs from the edge, the way an api process (ROLE=api) does: the run
 * row is created and the event enqueued in the local executor's Postgres queue, where the worker
 * that owns the executor (`scenario-gen start --role worker`) picks it up. The edge never
 * executes: its engine holds only the functions' routing (inngest/routes.ts) and never owns.
 *
 * Every function a run starts needs a runner (inngest/routes.ts), so a start is refused with a
 * 503 — and nothing created — while no worker holds the executor (db/executor-presence.ts).
 * A cancel needs none: it marks the run and its queued work in the database, and a worker that
 * runs it stops it within a poll.
 */
export const NO_RUNNER =
  'No worker is running, so the run was not started: runs execute on self-hosted workers. Start one with `scenario-gen start --role worker` (same DATABASE_URL and REDIS_URL as this deployment), then try again.';

export function createEdgeControl(o: {
  sql: Sql;
  bus: ProgressBus;
  config: Config;
  /** Label runs with the demo model's name (the workers run the demo model). */
  demoModel: boolean;
}): PipelineControl {
  const log = createLogger(o.config.LOG_LEVEL, [], (l) => console.log(l));
  const engine = createLocalEngine({
    sql: o.sql,
    functions: enqueueOnlySpecs(),
    log,
    globalConcurrency: 1,
    mayOwn: false,
  });
  const lifecycle = createRunLifecycle({
    sql: o.sql,
    reporter: createReporter({ db: o.sql, bus: o.bus }),
    notify: (n) => engine.send(noticeEvent(n)),
  });
  const control = createControl({
    sql: o.sql,
    engine,
    lifecycle,
    defaultModel: o.config.AGENT_MODEL,
    demoModel: o.demoModel,
  });
  const runner = async (): Promise<void> => {
    if (needsRunner(GENERATION_REQUESTED) && !(await executorOwnerPresent(o.sql)))
      throw new AppError('service_unavailable', NO_RUNNER);
  };
  return {
    generate: async (...a) => (await runner(), control.generate(...a)),
    retry: async (...a) => (await runner(), control.retry(...a)),
    rollback: async (...a) => (await runner(), control.rollback(...a)),
    change: async (...a) => (await runner(), control.change(...a)),
    cancelRun: (...a) => control.cancelRun(...a),
    cancelScenario: (...a) => control.cancelScenario(...a),
  };
}
