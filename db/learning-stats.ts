import type { Db } from './client.ts';

/**
 * The analytics page's figures, from run_stats (one narrow row per finished run, kept by a
 * trigger): outcomes split by evidence level, weekly and by campaign, category, complexity,
 * profile, model and prompt version; time per phase and queue wait; cost and turns per scenario
 * and campaign (every run counted); agent sessions by outcome.
 */
export interface OutcomeCounts {
  runs: number;
  cancelled: number;
  /** Finished for good: succeeded or failed. */
  finished: number;
  failed: number;
  /** Succeeded, by the evidence the run reached; success = ran + tested. */
  structure: number;
  ran: number;
  tested: number;
  judged: number;
  firstPass: number;
  firstPassStructure: number;
  firstPassRan: number;
  firstPassTested: number;
  costUsd: number;
  turns: number;
}

export type Dimension =
  | 'all'
  | 'week'
  | 'campaign'
  | 'category'
  | 'complexity'
  | 'profile'
  | 'model'
  | 'promptVersion'
  | 'agent';

export interface OutcomeRow extends OutcomeCounts {
  dim: Dimension;
  key: string;
}

export interface Window {
  campaignId?: string | undefined;
  from: Date;
  to: Date;
}

const scope = (db: Db, w: Window) =>
  w.campaignId
    ? db`finished_at >= ${w.from} AND finished_at < ${w.to} AND campaign_id = ${w.campaignId}`
    : db`finished_at >= ${w.from} AND finished_at < ${w.to}`;

/** Outcome counts per dimension value (one pass with grouping sets). */
export async function outcomeRows(db: Db, w: Window): Promise<OutcomeRow[]> {
  return db<OutcomeRow[]>`
    SELECT CASE WHEN grouping(week) = 0 THEN 'week' WHEN grouping(campaign_id) = 0 THEN 'campaign'
                WHEN grouping(category) = 0 THEN 'category' WHEN grouping(complexity) = 0 THEN 'complexity'
                WHEN grouping(profile) = 0 THEN 'profile' WHEN grouping(model) = 0 THEN 'model'
                WHEN grouping(prompt_version) = 0 THEN 'promptVersion' WHEN grouping(agent) = 0 THEN 'agent'
                ELSE 'all' END AS dim,
           coalesce(to_char(week, 'YYYY-MM-DD'), campaign_id::text, category, complexity, profile, model, prompt_version,
                    agent, '') AS key,
           count(*)::int AS runs,
           count(*) FILTER (WHERE status = 'cancelled')::int AS cancelled,
           count(*) FILTER (WHERE status <> 'cancelled')::int AS finished,
           count(*) FILTER (WHERE status = 'failed')::int AS failed,
           count(*) FILTER (WHERE status = 'succeeded' AND evidence = 'structure')::int AS structure,
           count(*) FILTER (WHERE status = 'succeeded' AND evidence = 'ran')::int AS ran,
           count(*) FILTER (WHERE status = 'succeeded' AND evidence = 'tested')::int AS tested,
           count(first_pass)::int AS judged,
           count(*) FILTER (WHERE first_pass)::int AS "firstPass",
           count(*) FILTER (WHERE first_pass AND evidence = 'structure')::int AS "firstPassStructure",
           count(*) FILTER (WHERE first_pass AND evidence = 'ran')::int AS "firstPassRan",
           count(*) FILTER (WHERE first_pass AND evidence = 'tested')::int AS "firstPassTested",
           coalesce(sum(cost_usd), 0)::float8 AS "costUsd",
           coalesce(sum(turns), 0)::int AS turns
      FROM (SELECT *, date_trunc('week', finished_at AT TIME ZONE 'UTC') AS week FROM run_stats WHERE ${scope(db, w)}) r
     GROUP BY GROUPING SETS ((week), (campaign_id), (category), (complexity), (profile), (model), (prompt_version),
                            (agent), ())`;
}

export interface Spread {
  median: number | null;
  p95: number | null;
}

/** Median and p95 of each phase's time, the queue wait and the whole run, in ms. */
export async function timings(db: Db, w: Window): Promise<Record<string, Spread & { n: number }>> {
  const cols = [
    'planning_ms',
    'implementing_ms',
    'validating_ms',
    'deploying_ms',
    'queue_ms',
    'duration_ms',
  ];
  const [row] = await db<Record<string, number[] | number | null>[]>`
    SELECT percentile_disc(ARRAY[0.5, 0.95]) WITHIN GROUP (ORDER BY planning_ms) AS planning_ms, count(planning_ms)::int AS planning_n,
           percentile_disc(ARRAY[0.5, 0.95]) WITHIN GROUP (ORDER BY implementing_ms) AS implementing_ms, count(implementing_ms)::int AS implementing_n,
           percentile_disc(ARRAY[0.5, 0.95]) WITHIN GROUP (ORDER BY validating_ms) AS validating_ms, count(validating_ms)::int AS validating_n,
           percentile_disc(ARRAY[0.5, 0.95]) WITHIN GROUP (ORDER BY deploying_ms) AS deploying_ms, count(deploying_ms)::int AS deploying_n,
           percentile_disc(ARRAY[0.5, 0.95]) WITHIN GROUP (ORDER BY queue_ms) AS queue_ms, count(queue_ms)::int AS queue_n,
           percentile_disc(ARRAY[0.5, 0.95]) WITHIN GROUP (ORDER BY duration_ms) AS duration_ms, count(duration_ms)::int AS duration_n
      FROM run_stats WHERE ${scope(db, w)}`;
  const out: Record<string, Spread & { n: number }> = {};
  for (const c of cols) {
    const v = row?.[c] as Array<number | string | null> | null | undefined;
    const name = c.replace('_ms', '');
    out[name] = {
      median: v?.[0] == null ? null : Number(v[0]),
      p95: v?.[1] == null ? null : Number(v[1]),
      n: Number(row?.[`${name}_n`] ?? 0),
    };
  }
  return out;
}

export interface ScenarioCost {
  scenarioId: string;
  title: string;
  runs: number;
  costUsd: number;
  turns: number;
}

/** Cost and turns per scenario (every run summed): the spread, and the ten costliest. */
export async function scenarioCosts(
  db: Db,
  w: Window,
): Promise<{ cost: Spread; turns: Spread; scenarios: number; top: ScenarioCost[] }> {
  const per = db`SELECT scenario_id, count(*)::int AS runs, sum(cost_usd)::float8 AS cost, sum(turns)::int AS turns
                   FROM run_stats WHERE ${scope(db, w)} GROUP BY scenario_id`;
  const [spread] = await db<{ n: number; cost: number[] | null; turns: number[] | null }[]>`
    SELECT count(*)::int AS n,
           percentile_cont(ARRAY[0.5, 0.95]) WITHIN GROUP (ORDER BY cost) AS cost,
           percentile_cont(ARRAY[0.5, 0.95]) WITHIN GROUP (ORDER BY turns) AS turns
      FROM (${per}) p`;
  const top = await db<ScenarioCost[]>`
    SELECT p.scenario_id AS "scenarioId", s.title, p.runs, p.cost AS "costUsd", p.turns
      FROM (${per}) p JOIN scenarios s ON s.id = p.scenario_id ORDER BY p.cost DESC, p.turns DESC LIMIT 10`;
  const pair = (v: number[] | null): Spread => ({ median: v?.[0] ?? null, p95: v?.[1] ?? null });
  return {
    cost: pair(spread?.cost ?? null),
    turns: pair(spread?.turns ?? null),
    scenarios: spread?.n ?? 0,
    top,
  };
}

/** Agent sessions by outcome (success, error, rate_limited, …). */
export async function sessionOutcomes(
  db: Db,
  w: Window,
): Promise<Array<{ outcome: string; n: number }>> {
  return db<{ outcome: string; n: number }[]>`
    SELECT e.key AS outcome, sum(e.value::int)::int AS n
      FROM run_stats r, jsonb_each_text(r.outcomes) e
     WHERE ${scope(db, w)} GROUP BY 1 ORDER BY 2 DESC`;
}

/** Campaign names for the breakdown's keys. */
export async function campaignNames(db: Db, ids: string[]): Promise<Map<string, string>> {
  if (!ids.length) return new Map();
  const rows = await db<
    { id: string; name: string }[]
  >`SELECT id, name FROM campaigns WHERE id IN ${db(ids)}`;
  return new Map(rows.map((r) => [r.id, r.name]));
}
