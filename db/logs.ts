import type { LiveKind, LogLevel } from '../core/domain.ts';
import type { Db } from './client.ts';

/**
 * The per-scenario progress log. Each entry takes the scenario's next sequence number (the id
 * live viewers resume from) and may update the scenario's live columns in the same statement.
 */
export interface LogInput {
  scenarioId: string;
  runId?: string | null;
  kind: LiveKind;
  level?: LogLevel;
  phase?: string | null;
  iteration?: number | null;
  step?: string | null;
  message?: string;
  data?: unknown;
  /** Live columns to set on the scenario (only while this run is current). */
  live?: { progress?: number; lastAction?: string; iteration?: number };
}

export interface LogEntry {
  seq: number;
  scenarioId: string;
  runId: string | null;
  campaignId: string;
  kind: LiveKind;
  level: LogLevel;
  phase: string | null;
  iteration: number | null;
  step: string | null;
  message: string;
  data: unknown;
  createdAt: Date;
  /** The scenario's cumulative cost and last action after this entry (appendLog only). */
  scenarioCostUsd?: number;
  lastAction?: string | null;
}

export async function appendLog(db: Db, e: LogInput): Promise<LogEntry> {
  const live = e.live ?? {};
  const current = e.runId ?? null;
  const [row] = await db<LogEntry[]>`
    WITH s AS (
      UPDATE scenarios SET event_seq = event_seq + 1,
             progress = CASE WHEN ${live.progress ?? null}::int IS NOT NULL AND current_run_id IS NOT DISTINCT FROM ${current}::uuid THEN greatest(progress, ${live.progress ?? 0}::int) ELSE progress END,
             last_action = CASE WHEN ${live.lastAction ?? null}::text IS NOT NULL AND current_run_id IS NOT DISTINCT FROM ${current}::uuid THEN ${live.lastAction ?? null}::text ELSE last_action END,
             iteration = CASE WHEN ${live.iteration ?? null}::int IS NOT NULL AND current_run_id IS NOT DISTINCT FROM ${current}::uuid THEN ${live.iteration ?? 0}::int ELSE iteration END
       WHERE id = ${e.scenarioId}
       RETURNING event_seq, campaign_id, cost_usd, last_action)
    INSERT INTO generation_logs (scenario_id, run_id, seq, phase, iteration, step, kind, level, message, data)
    SELECT ${e.scenarioId}, ${current}, s.event_seq, ${e.phase ?? null}, ${e.iteration ?? null}, ${e.step ?? null},
           ${e.kind}, ${e.level ?? 'info'}, ${e.message ?? ''}, ${e.data === undefined ? null : db.json(e.data as never)}
      FROM s
    RETURNING seq, scenario_id AS "scenarioId", run_id AS "runId", (SELECT campaign_id FROM s) AS "campaignId",
              (SELECT cost_usd FROM s) AS "scenarioCostUsd", (SELECT last_action FROM s) AS "lastAction",
              kind, level, phase, iteration, step, message, data, created_at AS "createdAt"`;
  if (!row) throw new Error(`scenario ${e.scenarioId} vanished while logging`);
  return row;
}

/** Log entries after a sequence number, oldest first. */
export async function listLogs(
  db: Db,
  scenarioId: string,
  opts: { afterSeq?: number; beforeSeq?: number; limit?: number } = {},
): Promise<LogEntry[]> {
  return db<LogEntry[]>`
    SELECT l.seq, l.scenario_id AS "scenarioId", l.run_id AS "runId", s.campaign_id AS "campaignId", l.kind, l.level,
           l.phase, l.iteration, l.step, l.message, l.data, l.created_at AS "createdAt"
      FROM generation_logs l JOIN scenarios s ON s.id = l.scenario_id
     WHERE l.scenario_id = ${scenarioId} AND l.seq > ${opts.afterSeq ?? 0}
       AND ${opts.beforeSeq === undefined ? db`true` : db`l.seq < ${opts.beforeSeq}`}
     ORDER BY l.seq LIMIT ${opts.limit ?? 1000}`;
}
