import { NotFoundError } from '../core/errors.ts';
import { audit, type Actor } from './audit.ts';
import type { Db } from './client.ts';

/**
 * Benchmark runs: a fixed set of requests run in a campaign of their own. The report is computed
 * from run_stats (success means succeeded with evidence ran or tested) and the signatures its runs
 * hit; once every run has finished it is stored with the row and no longer recomputed.
 */
export interface BenchmarkReport {
  runs: number;
  finished: number;
  successRate: number | null;
  byEvidence: { structure: number; ran: number; tested: number; failed: number; cancelled: number };
  firstPass: { judged: number; passed: number; rate: number | null };
  durationMs: { median: number | null; p95: number | null };
  costUsd: { total: number; perRun: number | null };
  turns: { total: number; perRun: number | null };
  topSignatures: Array<{ fingerprint: string; signature: string; runs: number }>;
}

export interface Benchmark {
  id: string;
  label: string;
  campaignId: string;
  promptTemplate: string | null;
  promptVersion: string | null;
  requests: number;
  demoModel: boolean;
  createdBy: string;
  createdAt: Date;
  finishedAt: Date | null;
  report: BenchmarkReport | null;
}

const select = (db: Db) => db`
  SELECT id, label, campaign_id AS "campaignId", prompt_template AS "promptTemplate",
         prompt_version AS "promptVersion", requests, demo_model AS "demoModel",
         created_by AS "createdBy", created_at AS "createdAt", finished_at AS "finishedAt", report
    FROM benchmark_runs`;

export async function createBenchmark(
  db: Db,
  b: {
    label: string;
    campaignId: string;
    promptTemplate: string | null;
    promptVersion: string | null;
    requests: number;
    demoModel: boolean;
  },
  actor: Actor,
): Promise<string> {
  const [row] = await db<{ id: string }[]>`
    INSERT INTO benchmark_runs (label, campaign_id, prompt_template, prompt_version, requests, demo_model, created_by)
    VALUES (${b.label}, ${b.campaignId}, ${b.promptTemplate}, ${b.promptVersion}, ${b.requests},
            ${b.demoModel}, ${actor})
    RETURNING id`;
  await audit(db, {
    actor,
    action: 'benchmark.start',
    targetType: 'benchmark',
    targetId: row!.id,
    campaignId: b.campaignId,
    details: { requests: b.requests, promptVersion: b.promptVersion },
  });
  return row!.id;
}

export async function getBenchmark(db: Db, id: string): Promise<Benchmark> {
  const [row] = await db<Benchmark[]>`${select(db)} WHERE id = ${id}`;
  if (!row) throw new NotFoundError('Benchmark', id);
  return row;
}

/** Newest first. */
export async function listBenchmarks(db: Db, limit = 50): Promise<Benchmark[]> {
  return db<Benchmark[]>`${select(db)} ORDER BY created_at DESC, id LIMIT ${limit}`;
}

/** Stores the final report (every run finished). */
export async function finishBenchmark(db: Db, id: string, report: BenchmarkReport): Promise<void> {
  await db`UPDATE benchmark_runs SET report = ${db.json(report as never)}, finished_at = now()
            WHERE id = ${id} AND finished_at IS NULL`;
}

const num = (x: unknown): number | null => (x === null || x === undefined ? null : Number(x));
const ratio = (a: number, b: number): number | null => (b > 0 ? a / b : null);

/** The report over the latest run of each of the campaign's scenarios. */
export async function benchmarkReport(db: Db, campaignId: string): Promise<BenchmarkReport> {
  const [t] = await db<Record<string, string | number | null>[]>`
    WITH latest AS (
      SELECT DISTINCT ON (r.scenario_id) r.id FROM runs r JOIN scenarios s ON s.id = r.scenario_id
       WHERE s.campaign_id = ${campaignId} ORDER BY r.scenario_id, r.created_at DESC)
    SELECT count(*)::int AS runs, count(st.run_id)::int AS finished,
           count(*) FILTER (WHERE st.success)::int AS success,
           count(*) FILTER (WHERE st.status = 'succeeded' AND st.evidence = 'structure')::int AS structure,
           count(*) FILTER (WHERE st.status = 'succeeded' AND st.evidence = 'ran')::int AS ran,
           count(*) FILTER (WHERE st.status = 'succeeded' AND st.evidence = 'tested')::int AS tested,
           count(*) FILTER (WHERE st.status = 'failed')::int AS failed,
           count(*) FILTER (WHERE st.status = 'cancelled')::int AS cancelled,
           count(st.first_pass)::int AS judged, count(*) FILTER (WHERE st.first_pass)::int AS passed,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY st.duration_ms) AS median,
           percentile_cont(0.95) WITHIN GROUP (ORDER BY st.duration_ms) AS p95,
           coalesce(sum(st.cost_usd), 0)::float8 AS cost, coalesce(sum(st.turns), 0)::int AS turns
      FROM latest l LEFT JOIN run_stats st ON st.run_id = l.id`;
  const top = await db<BenchmarkReport['topSignatures']>`
    SELECT sr.fingerprint, p.signature, count(*)::int AS runs
      FROM signature_runs sr JOIN improvement_patterns p USING (fingerprint)
     WHERE sr.campaign_id = ${campaignId}
     GROUP BY sr.fingerprint, p.signature ORDER BY runs DESC, sr.fingerprint LIMIT 5`;
  const n = (k: string) => Number(t?.[k] ?? 0);
  const finished = n('finished');
  return {
    runs: n('runs'),
    finished,
    successRate: ratio(n('success'), finished),
    byEvidence: {
      structure: n('structure'),
      ran: n('ran'),
      tested: n('tested'),
      failed: n('failed'),
      cancelled: n('cancelled'),
    },
    firstPass: { judged: n('judged'), passed: n('passed'), rate: ratio(n('passed'), n('judged')) },
    durationMs: { median: num(t?.median), p95: num(t?.p95) },
    costUsd: { total: n('cost'), perRun: ratio(n('cost'), finished) },
    turns: { total: n('turns'), perRun: ratio(n('turns'), finished) },
    topSignatures: [...top],
  };
}
