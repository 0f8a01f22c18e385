import type { ProgressBus } from '../core/bus/port.ts';
import type { LiveKind, LogLevel, ScenarioStatus } from '../core/domain.ts';
import type { Db } from './client.ts';
import { appendLog, type LogEntry, type LogInput } from './logs.ts';

/**
 * Progress reporting: every event of a run is written to the scenario's log in Postgres (taking
 * the next per-scenario sequence number) and then published on the bus, on the scenario's topic
 * and its campaign's. Viewers resume by sequence number; the log is the durable copy a
 * reconnecting viewer gets when the bus's replay buffer no longer holds what it missed.
 */
export type { LiveKind };

/** The agent's normalised event (runner/agent/port.ts) that `agent` entries carry. */
export type LiveDetail = { kind: string } & Record<string, unknown>;

/** What viewers receive (SSE `data:`). */
export interface LiveEvent {
  seq: number;
  scenarioId: string;
  runId: string | null;
  campaignId: string;
  type: LiveKind;
  phase: string | null;
  iteration: number | null;
  progress?: number;
  /** The scenario's new status, on `status` entries. */
  status?: ScenarioStatus;
  message: string;
  costUsd?: number;
  /** The scenario's cumulative cost after this event. */
  totalCostUsd?: number;
  lastAction?: string;
  level: LogLevel;
  at: string;
  detail?: LiveDetail;
}

export interface ReportInput extends LogInput {
  kind: LiveKind;
  status?: ScenarioStatus;
  costUsd?: number;
}

export interface ProgressReporter {
  report(e: ReportInput): Promise<LiveEvent>;
}

export const scenarioTopic = (id: string) => `scenario:${id}`;
export const campaignTopic = (id: string) => `campaign:${id}`;
/** Every scenario's events, for viewers of all campaigns at once. */
export const ALL_TOPIC = 'campaigns:all';

/** Turns a stored log entry into the event viewers see. */
export function toLiveEvent(entry: LogEntry): LiveEvent {
  const data = (entry.data ?? {}) as Record<string, unknown>;
  const ev: LiveEvent = {
    seq: entry.seq,
    scenarioId: entry.scenarioId,
    runId: entry.runId,
    campaignId: entry.campaignId,
    type: entry.kind,
    phase: entry.phase,
    iteration: entry.iteration,
    message: entry.message,
    level: entry.level,
    at: new Date(entry.createdAt).toISOString(),
  };
  if (typeof data.progress === 'number') ev.progress = data.progress;
  // Stored by report() below from a typed ReportInput, so the JSON holds what it was given.
  if (typeof data.status === 'string') ev.status = data.status as ScenarioStatus;
  if (typeof data.costUsd === 'number') ev.costUsd = data.costUsd;
  if (typeof data.detail === 'object' && data.detail !== null)
    ev.detail = data.detail as LiveDetail;
  if (typeof entry.scenarioCostUsd === 'number') ev.totalCostUsd = entry.scenarioCostUsd;
  if (entry.lastAction) ev.lastAction = entry.lastAction;
  return ev;
}

export function createReporter(deps: { db: Db; bus: ProgressBus }): ProgressReporter {
  return {
    async report(e) {
      const data: Record<string, unknown> = { ...((e.data as Record<string, unknown>) ?? {}) };
      if (e.live?.progress !== undefined) data.progress = e.live.progress;
      if (e.status !== undefined) data.status = e.status;
      if (e.costUsd !== undefined) data.costUsd = e.costUsd;
      const entry = await appendLog(deps.db, { ...e, data });
      const ev = toLiveEvent(entry);
      await Promise.all([
        deps.bus.publish(scenarioTopic(ev.scenarioId), ev),
        deps.bus.publish(campaignTopic(ev.campaignId), ev),
        deps.bus.publish(ALL_TOPIC, ev),
      ]);
      return ev;
    },
  };
}
