import type { Sql } from '../../db/client.ts';
import {
  campaignNames,
  outcomeRows,
  scenarioCosts,
  sessionOutcomes,
  timings,
  type OutcomeRow,
} from '../../db/learning-stats.ts';
import type { AnalyticsOverview, OutcomeCounts } from '../contract/learning.ts';
import type { Forecaster } from './forecaster.ts';

/** The analytics page's answer: every figure of one window, in one response. */
const DAY = 86_400_000;
const BREAKDOWNS = [
  'campaign',
  'category',
  'complexity',
  'profile',
  'model',
  'promptVersion',
  'agent',
] as const;
const TIMINGS = ['queue', 'planning', 'implementing', 'validating', 'deploying', 'duration'];

const ratio = (a: number, b: number) => (b > 0 ? a / b : null);

function counts(r: OutcomeRow, label = r.key): OutcomeCounts {
  const { dim: _dim, ...rest } = r;
  return {
    ...rest,
    label,
    successRate: ratio(r.ran + r.tested, r.finished),
    firstPassRate: ratio(r.firstPass, r.judged),
  };
}

const EMPTY: OutcomeRow = {
  dim: 'all',
  key: '',
  runs: 0,
  cancelled: 0,
  finished: 0,
  failed: 0,
  structure: 0,
  ran: 0,
  tested: 0,
  judged: 0,
  firstPass: 0,
  firstPassStructure: 0,
  firstPassRan: 0,
  firstPassTested: 0,
  costUsd: 0,
  turns: 0,
};

export async function analyticsOverview(
  sql: Sql,
  forecaster: Forecaster,
  q: { campaignId?: string | undefined; days: number; now?: Date },
): Promise<AnalyticsOverview> {
  const to = q.now ?? new Date();
  const from = new Date(to.getTime() - q.days * DAY);
  const w = { campaignId: q.campaignId, from, to };
  const [rows, times, perScenario, sessions, model] = await Promise.all([
    outcomeRows(sql, w),
    timings(sql, w),
    scenarioCosts(sql, w),
    sessionOutcomes(sql, w),
    forecaster.model(),
  ]);
  const names = await campaignNames(
    sql,
    rows.filter((r) => r.dim === 'campaign').map((r) => r.key),
  );
  const of = (dim: OutcomeRow['dim']) =>
    rows
      .filter((r) => r.dim === dim)
      .map((r) => counts(r, dim === 'campaign' ? (names.get(r.key) ?? r.key) : r.key))
      .sort((a, b) => b.runs - a.runs || a.label.localeCompare(b.label));
  const c = model.calibration;
  return {
    window: {
      from: from.toISOString(),
      to: to.toISOString(),
      days: q.days,
      campaignId: q.campaignId ?? null,
    },
    totals: counts(rows.find((r) => r.dim === 'all') ?? EMPTY, 'all'),
    weekly: of('week').sort((a, b) => a.key.localeCompare(b.key)),
    breakdowns: Object.fromEntries(
      BREAKDOWNS.map((d) => [d, of(d)]),
    ) as AnalyticsOverview['breakdowns'],
    timings: TIMINGS.map((name) => ({ name, ...times[name]! })),
    perScenario,
    sessions,
    calibration: c
      ? {
          brier: c.brier,
          baseBrier: c.baseBrier,
          brierSkill: c.skill,
          trainRuns: c.trainRuns,
          testRuns: c.testRuns,
          cutAt: new Date(c.cutAt).toISOString(),
          bins: c.bins,
        }
      : null,
  };
}
