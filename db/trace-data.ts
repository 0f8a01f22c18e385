import type { Sql } from './client.ts';

/** What a finished run's trace is drawn from: the run, its phases' spans of time, its sessions. */
export interface RunTraceData {
  run: {
    id: string;
    scenarioId: string;
    campaignId: string;
    number: number;
    status: string;
    failureClass: string | null;
    costUsd: number;
    createdAt: Date;
    startedAt: Date | null;
    finishedAt: Date | null;
  };
  /** Per phase: first step's start to last step's end, in order of start. */
  phases: Array<{ phase: string; startedAt: Date; finishedAt: Date; steps: number }>;
  sessions: Array<{
    sessionId: string;
    phase: string | null;
    stepKey: string | null;
    agent: string;
    model: string | null;
    outcome: string | null;
    turns: number | null;
    inputTokens: number | null;
    outputTokens: number | null;
    costUsd: number | null;
    startedAt: Date;
    finishedAt: Date | null;
  }>;
}

/** Reads a run's trace data, or undefined when the run is gone. */
export async function readRunTrace(sql: Sql, runId: string): Promise<RunTraceData | undefined> {
  const [run] = await sql<RunTraceData['run'][]>`
    SELECT r.id, r.scenario_id AS "scenarioId", s.campaign_id AS "campaignId", r.number, r.status,
           r.failure_class AS "failureClass", r.cost_usd::float8 AS "costUsd",
           r.created_at AS "createdAt", r.started_at AS "startedAt", r.finished_at AS "finishedAt"
      FROM runs r JOIN scenarios s ON s.id = r.scenario_id
     WHERE r.id = ${runId}`;
  if (!run) return undefined;
  const phases = await sql<RunTraceData['phases']>`
    SELECT phase, min(started_at) AS "startedAt",
           max(coalesce(finished_at, started_at)) AS "finishedAt", count(*)::int AS steps
      FROM run_steps WHERE run_id = ${runId} AND phase IS NOT NULL
     GROUP BY phase ORDER BY min(started_at)`;
  const sessions = await sql<RunTraceData['sessions']>`
    SELECT session_id AS "sessionId", phase, step_key AS "stepKey", agent, model, outcome, turns,
           input_tokens::float8 AS "inputTokens", output_tokens::float8 AS "outputTokens",
           cost_usd::float8 AS "costUsd", started_at AS "startedAt", finished_at AS "finishedAt"
      FROM agent_interactions WHERE run_id = ${runId} ORDER BY started_at`;
  return { run, phases, sessions };
}
