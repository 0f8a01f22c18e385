import type { Db } from './client.ts';

/**
 * What the success forecast learns from: each finished (not cancelled) run's pre-run features
 * and outcome, from run_stats, oldest first.
 */
export interface HistoryRow {
  category: string;
  complexity: string;
  profile: string;
  model: string;
  promptVersion: string;
  requestLength: number;
  resourceCount: number;
  success: boolean;
  createdAt: number;
  finishedAt: number;
  /** finished_at in whole microseconds: where the next incremental load starts. */
  finishedMicros: number;
}

/** The history, or (with `afterMicros`) only the runs that finished after that instant. */
export async function forecastHistory(db: Db, afterMicros?: number): Promise<HistoryRow[]> {
  const after =
    afterMicros === undefined
      ? db`true`
      : db`finished_at > to_timestamp(${afterMicros}::float8 / 1e6)`;
  // Values, not objects per column: 100,000 rows load in a fraction of a second this way.
  const rows = await db`
    SELECT category, complexity, profile, model, prompt_version, request_length, resource_count, success,
           (extract(epoch FROM created_at) * 1000)::float8, (extract(epoch FROM finished_at) * 1000)::float8,
           (extract(epoch FROM finished_at) * 1e6)::float8
      FROM run_stats WHERE status <> 'cancelled' AND ${after} ORDER BY created_at`.values();
  return rows.map((r) => ({
    category: r[0] as string,
    complexity: r[1] as string,
    profile: r[2] as string,
    model: r[3] as string,
    promptVersion: r[4] as string,
    requestLength: r[5] as number,
    resourceCount: r[6] as number,
    success: r[7] as boolean,
    createdAt: r[8] as number,
    finishedAt: r[9] as number,
    finishedMicros: Math.round(r[10] as number),
  }));
}

/** Changes whenever a run finishes: the forecast retrains when it differs from its own. */
export async function historyVersion(db: Db): Promise<string> {
  const [row] = await db<{ v: string }[]>`
    SELECT count(*)::text || ':' || coalesce(max(finished_at)::text, '') AS v FROM run_stats`;
  return row?.v ?? '';
}

/** The prompt version and model of the latest finished run: what a new run would use. */
export async function currentRunSetup(
  db: Db,
): Promise<{ promptVersion: string; model: string } | null> {
  const [row] = await db<{ promptVersion: string; model: string }[]>`
    SELECT prompt_version AS "promptVersion", model FROM run_stats ORDER BY finished_at DESC LIMIT 1`;
  return row ?? null;
}

/** Resources a request names (the same rule the run_stats trigger applies). */
export async function resourceCountOf(db: Db, request: string): Promise<number> {
  const [row] = await db<{ n: number }[]>`SELECT request_resource_count(${request}) AS n`;
  return row?.n ?? 0;
}
