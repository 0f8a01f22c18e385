import type { Phase, RunStatus } from '../core/domain.ts';
import { ACTIVE_STATUSES } from '../core/domain.ts';
import { ConflictError, NotFoundError } from '../core/errors.ts';
import { audit, type Actor } from './audit.ts';
import type { Db, Sql } from './client.ts';
import { mapped } from './errors.ts';

/** One attempt of the pipeline for a scenario. */
export interface Run {
  id: string;
  scenarioId: string;
  campaignId: string;
  scenarioTitle: string;
  number: number;
  status: RunStatus;
  phase: Phase | null;
  trigger: string;
  fromPhase: Phase | null;
  parentRunId: string | null;
  config: Record<string, unknown>;
  failureClass: string | null;
  error: string | null;
  facts: Record<string, unknown>;
  costUsd: number;
  wakeAt: Date | null;
  cancelRequestedAt: Date | null;
  createdBy: string;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

const COLUMNS = (db: Db) => db`
  r.id, r.scenario_id AS "scenarioId", s.campaign_id AS "campaignId", s.title AS "scenarioTitle", r.number, r.status, r.phase, r.trigger,
  r.from_phase AS "fromPhase", r.parent_run_id AS "parentRunId", r.config, r.failure_class AS "failureClass",
  r.error, r.facts, r.cost_usd AS "costUsd", r.wake_at AS "wakeAt", r.cancel_requested_at AS "cancelRequestedAt",
  r.created_by AS "createdBy", r.created_at AS "createdAt", r.started_at AS "startedAt", r.finished_at AS "finishedAt"`;

export async function getRun(db: Db, id: string): Promise<Run> {
  const [row] = await db<
    Run[]
  >`SELECT ${COLUMNS(db)} FROM runs r JOIN scenarios s ON s.id = r.scenario_id WHERE r.id = ${id}`;
  if (!row) throw new NotFoundError('Run', id);
  return row;
}

export async function listRuns(
  db: Db,
  opts: { scenarioId?: string; limit?: number; statuses?: RunStatus[] } = {},
): Promise<Run[]> {
  return db<Run[]>`
    SELECT ${COLUMNS(db)} FROM runs r JOIN scenarios s ON s.id = r.scenario_id
     WHERE ${opts.scenarioId ? db`r.scenario_id = ${opts.scenarioId}` : db`true`}
       AND ${opts.statuses?.length ? db`r.status IN ${db(opts.statuses)}` : db`true`}
     ORDER BY r.created_at DESC, r.number DESC LIMIT ${opts.limit ?? 50}`;
}

export interface NewRun {
  scenarioId: string;
  trigger: string;
  config: Record<string, unknown>;
  fromPhase?: Phase;
  parentRunId?: string;
}

/**
 * Creates the next run of a scenario and queues the scenario, in one transaction. A scenario
 * with a run in flight is a conflict: one run at a time per scenario.
 */
export async function createRun(sql: Sql, input: NewRun, actor: Actor): Promise<Run> {
  return mapped(() =>
    sql.begin(async (tx) => {
      const [s] = await tx<
        { status: string; archived: boolean }[]
      >`SELECT status, archived FROM scenarios WHERE id = ${input.scenarioId} FOR UPDATE`;
      if (!s) throw new NotFoundError('Scenario', input.scenarioId);
      if ((ACTIVE_STATUSES as readonly string[]).includes(s.status)) {
        throw new ConflictError(`The scenario already has a run in flight (${s.status}).`, {
          status: s.status,
        });
      }
      if (s.archived)
        throw new ConflictError('The scenario is archived; unarchive it to generate.');
      const [row] = await tx<{ id: string }[]>`
        INSERT INTO runs (scenario_id, number, trigger, config, from_phase, parent_run_id, created_by)
        VALUES (${input.scenarioId},
                (SELECT coalesce(max(number), 0) + 1 FROM runs WHERE scenario_id = ${input.scenarioId}),
                ${input.trigger}, ${tx.json(input.config as never)}, ${input.fromPhase ?? null}, ${input.parentRunId ?? null}, ${actor})
        RETURNING id`;
      await tx`
        UPDATE scenarios SET status = 'queued', current_run_id = ${row!.id}, phase = NULL, iteration = 0, progress = 0,
               error = NULL, cost_usd = 0, last_action = NULL, started_at = NULL, finished_at = NULL, updated_at = now()
         WHERE id = ${input.scenarioId}`;
      await audit(tx, {
        actor,
        action: 'run.start',
        targetType: 'scenario',
        targetId: input.scenarioId,
        details: { runId: row!.id, trigger: input.trigger, fromPhase: input.fromPhase ?? null },
      });
      return getRun(tx, row!.id);
    }),
  );
}

/** Marks a cancel request (idempotent). Returns false when the run had already finished. */
export async function requestCancel(sql: Sql, runId: string, actor: Actor): Promise<boolean> {
  return sql.begin(async (tx) => {
    const rows = await tx`
      UPDATE runs SET cancel_requested_at = coalesce(cancel_requested_at, now())
       WHERE id = ${runId} AND status IN ('queued', 'running', 'sleeping') RETURNING id`;
    if (rows.length)
      await audit(tx, { actor, action: 'run.cancel', targetType: 'run', targetId: runId });
    return rows.length > 0;
  });
}

/** True when someone asked to cancel the run. Cheap enough to poll during agent sessions. */
export async function isCancelRequested(db: Db, runId: string): Promise<boolean> {
  const [row] = await db<
    { c: boolean }[]
  >`SELECT cancel_requested_at IS NOT NULL AS c FROM runs WHERE id = ${runId}`;
  return row?.c ?? true;
}

/** What a retry restores from: the run's recorded facts and the run it came from. */
export async function runLineage(
  db: Db,
  runId: string,
): Promise<{ facts: Record<string, unknown>; parentRunId: string | null } | undefined> {
  const [row] = await db<{ facts: Record<string, unknown>; parentRunId: string | null }[]>`
    SELECT facts, parent_run_id AS "parentRunId" FROM runs WHERE id = ${runId}`;
  return row;
}
