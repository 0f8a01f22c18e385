import type { Sql } from '../../../db/client.ts';

/**
 * What the pipeline benchmark reads back from Postgres once its runs are done: when they ended,
 * how long each executor step took against the agent sessions inside it, and the sessions.
 */
export interface RunEnd {
  id: string;
  scenarioId: string;
  status: string;
  failureClass: string | null;
  error: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

export async function runEnds(sql: Sql, runIds: string[]): Promise<RunEnd[]> {
  return sql<RunEnd[]>`
    SELECT id, scenario_id AS "scenarioId", status, failure_class AS "failureClass", error,
           created_at AS "createdAt", started_at AS "startedAt", finished_at AS "finishedAt"
      FROM runs WHERE id IN ${sql(runIds)}`;
}

/** One memoised `step.run` of the executor, with the agent time recorded under the same step. */
export interface StepTiming {
  /** The pipeline run (runs.id) the step belongs to. */
  runId: string;
  functionId: string;
  stepKey: string;
  /** The executor's step duration (the step's function, including its run_steps bookkeeping). */
  stepMs: number;
  /** The same step as the run's timeline (run_steps) has it; null for untracked steps. */
  timelineMs: number | null;
  /** Sum of agent_interactions.duration_ms (CLI wall time) recorded under this step. */
  agentMs: number;
  sessions: number;
  startedAt: Date;
  finishedAt: Date;
}

export async function stepTimings(sql: Sql, runIds: string[]): Promise<StepTiming[]> {
  return sql<StepTiming[]>`
    WITH steps AS (
      SELECT er.function_id, es.step_key, es.duration_ms, es.started_at, es.finished_at, (er.event -> 'data' ->> 'runId')::uuid AS run_id
        FROM executor_steps es JOIN executor_runs er ON er.id = es.run_id
       WHERE es.kind = 'run' AND es.status = 'completed' AND er.kind = 'handler'
         AND (er.event -> 'data' ->> 'runId')::uuid IN ${sql(runIds)})
    SELECT s.run_id AS "runId", s.function_id AS "functionId", s.step_key AS "stepKey", s.duration_ms AS "stepMs",
           s.started_at AS "startedAt", s.finished_at AS "finishedAt",
           rs.duration_ms AS "timelineMs",
           coalesce(a.ms, 0)::int AS "agentMs", coalesce(a.n, 0)::int AS sessions
      FROM steps s
      LEFT JOIN run_steps rs ON rs.run_id = s.run_id AND rs.step_key = s.step_key
      LEFT JOIN LATERAL (SELECT sum(duration_ms) AS ms, count(*) AS n FROM agent_interactions ai
                          WHERE ai.run_id = s.run_id AND ai.step_key = s.step_key) a ON true`;
}

/**
 * Time steps spent waiting for a free agent slot: the stage session logs 'waiting for a free agent
 * slot' when every slot is taken, and the session's row is inserted once it holds one. Keyed by
 * `runId/stepKey`, summed over the step's waits.
 */
export async function slotWaits(sql: Sql, runIds: string[]): Promise<Map<string, number>> {
  const rows = await sql<Array<{ runId: string; stepKey: string; waitMs: number }>>`
    SELECT l.run_id AS "runId", l.step AS "stepKey",
           (extract(epoch FROM (SELECT min(ai.started_at) FROM agent_interactions ai
                                 WHERE ai.run_id = l.run_id AND ai.step_key = l.step
                                   AND ai.started_at >= l.created_at) - l.created_at) * 1000)::float8 AS "waitMs"
      FROM generation_logs l
     WHERE l.run_id IN ${sql(runIds)} AND l.message = 'waiting for a free agent slot'`;
  const waits = new Map<string, number>();
  for (const r of rows) {
    const key = `${r.runId}/${r.stepKey}`;
    waits.set(key, (waits.get(key) ?? 0) + (r.waitMs ?? 0));
  }
  return waits;
}

/** One agent session of the runs: CLI wall time and when it ran. */
export interface SessionTiming {
  durationMs: number;
  outcome: string | null;
  startedAt: Date;
  finishedAt: Date;
}

export async function sessionTimings(sql: Sql, runIds: string[]): Promise<SessionTiming[]> {
  return sql<SessionTiming[]>`
    SELECT duration_ms AS "durationMs", outcome, started_at AS "startedAt", finished_at AS "finishedAt"
      FROM agent_interactions WHERE run_id IN ${sql(runIds)}`;
}

/** The most intervals open at one instant. */
export function peakOverlap(intervals: Array<[Date, Date]>): number {
  const edges = intervals.flatMap(([a, b]): Array<[number, number]> => [
    [a.getTime(), 1],
    [b.getTime(), -1],
  ]);
  edges.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  let open = 0;
  let peak = 0;
  for (const [, d] of edges) peak = Math.max(peak, (open += d));
  return peak;
}

/**
 * Time between steps: per pipeline run, the span from its first step's start to its last step's
 * end minus the time covered by any step, divided by the gaps (steps − 1). That is where the
 * executor schedules, replays handlers, hands over to invoked stages and waits for a free slot.
 */
export function gapPerStepMs(steps: StepTiming[]): number[] {
  const byRun = new Map<string, StepTiming[]>();
  for (const s of steps) byRun.set(s.runId, [...(byRun.get(s.runId) ?? []), s]);
  return [...byRun.values()].map((list) => {
    const spans = list
      .map((s) => [s.startedAt.getTime(), s.finishedAt.getTime()] as const)
      .sort((a, b) => a[0] - b[0]);
    let covered = 0;
    let [from, to] = spans[0]!;
    for (const [a, b] of spans.slice(1)) {
      if (a > to) {
        covered += to - from;
        [from, to] = [a, b];
      } else to = Math.max(to, b);
    }
    covered += to - from;
    const span = Math.max(...spans.map((x) => x[1])) - spans[0]![0];
    return (span - covered) / Math.max(1, list.length - 1);
  });
}
