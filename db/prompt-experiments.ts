import { ConflictError, NotFoundError } from '../core/errors.ts';
import type { ArmCounts } from '../core/thompson.ts';
import { audit, type Actor } from './audit.ts';
import type { Db } from './client.ts';

/**
 * Prompt experiments (one running per template: the incumbent against candidate versions) and the
 * version each run drew per template. An arm's outcomes are the finished runs that drew it under
 * the experiment, success as run_stats counts it (succeeded with evidence ran or tested).
 */
export interface PromptExperiment {
  id: string;
  template: string;
  incumbent: string;
  arms: string[];
  status: 'running' | 'stopped';
  pinned: string | null;
  seed: number;
  startedBy: string;
  startedAt: Date;
  stoppedBy: string | null;
  stoppedAt: Date | null;
  promoted: string | null;
}

export type ChoiceHow = 'incumbent' | 'floor' | 'thompson' | 'pinned' | 'benchmark';

const select = (db: Db) => db`
  SELECT id, template, incumbent, arms, status, pinned, seed, started_by AS "startedBy",
         started_at AS "startedAt", stopped_by AS "stoppedBy", stopped_at AS "stoppedAt", promoted
    FROM prompt_experiments`;

/** Starts an experiment, or adds the candidate as an arm of the template's running one. */
export async function startOrJoinExperiment(
  db: Db,
  e: { template: string; incumbent: string; candidate: string; seed: number },
  actor: Actor,
): Promise<PromptExperiment> {
  const [running] = await db<
    PromptExperiment[]
  >`${select(db)} WHERE template = ${e.template} AND status = 'running' FOR UPDATE`;
  let id: string;
  if (running) {
    id = running.id;
    if (!running.arms.includes(e.candidate))
      await db`UPDATE prompt_experiments SET arms = array_append(arms, ${e.candidate}) WHERE id = ${id}`;
  } else {
    const [row] = await db<{ id: string }[]>`
      INSERT INTO prompt_experiments (template, incumbent, arms, seed, started_by)
      VALUES (${e.template}, ${e.incumbent}, ${[e.candidate]}, ${e.seed}, ${actor}) RETURNING id`;
    id = row!.id;
  }
  await audit(db, {
    actor,
    action: 'experiment.arm',
    targetType: 'experiment',
    targetId: id,
    details: { template: e.template, candidate: e.candidate },
  });
  return getExperiment(db, id);
}

export async function getExperiment(db: Db, id: string): Promise<PromptExperiment> {
  const [row] = await db<PromptExperiment[]>`${select(db)} WHERE id = ${id}`;
  if (!row) throw new NotFoundError('Experiment', id);
  return row;
}

/** The template's running experiment, if any. */
export async function runningExperiment(
  db: Db,
  template: string,
): Promise<PromptExperiment | undefined> {
  const [row] = await db<
    PromptExperiment[]
  >`${select(db)} WHERE template = ${template} AND status = 'running'`;
  return row;
}

/** Newest first. */
export async function listExperiments(db: Db, limit = 50): Promise<PromptExperiment[]> {
  return db<
    PromptExperiment[]
  >`${select(db)} ORDER BY (status = 'running') DESC, started_at DESC LIMIT ${limit}`;
}

/** Pins every new run of a running experiment to one of its versions (null: draw again). */
export async function pinExperiment(
  db: Db,
  id: string,
  version: string | null,
  actor: Actor,
): Promise<void> {
  const e = await getExperiment(db, id);
  if (e.status !== 'running') throw new ConflictError('The experiment has stopped.');
  if (version !== null && version !== e.incumbent && !e.arms.includes(version))
    throw new ConflictError(`${version} is not an arm of this experiment.`);
  await db`UPDATE prompt_experiments SET pinned = ${version} WHERE id = ${id}`;
  await audit(db, {
    actor,
    action: 'experiment.pin',
    targetType: 'experiment',
    targetId: id,
    details: { version },
  });
}

/** Stops a running experiment, naming the version promoted (or none). */
export async function stopExperiment(
  db: Db,
  id: string,
  promoted: string | null,
  actor: Actor,
): Promise<void> {
  const rows = await db`
    UPDATE prompt_experiments SET status = 'stopped', stopped_by = ${actor}, stopped_at = now(),
           promoted = ${promoted}, pinned = NULL
     WHERE id = ${id} AND status = 'running' RETURNING id`;
  if (rows.length === 0) throw new ConflictError('The experiment is not running.');
  await audit(db, {
    actor,
    action: 'experiment.stop',
    targetType: 'experiment',
    targetId: id,
    details: { promoted },
  });
}

/** Finished runs and successes per version drawn under the experiment. */
export async function armCounts(db: Db, experimentId: string): Promise<Map<string, ArmCounts>> {
  const rows = await db<{ version: string; n: number; successes: number }[]>`
    SELECT c.version, count(s.run_id)::int AS n, count(s.run_id) FILTER (WHERE s.success)::int AS successes
      FROM run_prompt_choices c JOIN run_stats s ON s.run_id = c.run_id AND s.status <> 'cancelled'
     WHERE c.experiment_id = ${experimentId}
     GROUP BY c.version`;
  return new Map(rows.map((r) => [r.version, r]));
}

/** The version a run already drew for a template. */
export async function getChoice(
  db: Db,
  runId: string,
  template: string,
): Promise<{ version: string; how: ChoiceHow } | undefined> {
  const [row] = await db<{ version: string; how: ChoiceHow }[]>`
    SELECT version, how FROM run_prompt_choices WHERE run_id = ${runId} AND template = ${template}`;
  return row;
}

/** Records a run's draw; the first one recorded wins (a concurrent retry reads it back). */
export async function recordChoice(
  db: Db,
  c: {
    runId: string;
    template: string;
    version: string;
    how: ChoiceHow;
    experimentId: string | null;
  },
): Promise<{ version: string; how: ChoiceHow }> {
  await db`
    INSERT INTO run_prompt_choices (run_id, template, version, experiment_id, how)
    VALUES (${c.runId}, ${c.template}, ${c.version}, ${c.experimentId}, ${c.how})
    ON CONFLICT (run_id, template) DO NOTHING`;
  return (await getChoice(db, c.runId, c.template))!;
}

/** The prompt version a benchmark pinned for the run's campaign, if any. */
export async function benchmarkPin(
  db: Db,
  runId: string,
): Promise<{ template: string; version: string } | undefined> {
  const [row] = await db<{ template: string; version: string }[]>`
    SELECT b.prompt_template AS template, b.prompt_version AS version
      FROM runs r JOIN scenarios s ON s.id = r.scenario_id
      JOIN benchmark_runs b ON b.campaign_id = s.campaign_id
     WHERE r.id = ${runId} AND b.prompt_version IS NOT NULL`;
  return row;
}
