import { betaRate, probGreater } from './beta.ts';

/**
 * A recurring problem's status, like an error tracker's issue: `new` (first seen in the last 14
 * days), `recurring`, `resolved` (not seen for 14 days while at least RESOLVE_RUNS runs were
 * checked), `regressed` (seen again after such a quiet spell, in the last 14 days). Its rate is
 * Beta(1 + k, 1 + n − k) over the runs checked, so a problem in few runs does not look alarming,
 * and it is rising when the last 14 days beat the 14 before with probability > 0.95.
 */
export const PROBLEM_STATUSES = ['new', 'recurring', 'resolved', 'regressed'] as const;
export type ProblemStatus = (typeof PROBLEM_STATUSES)[number];

export const WINDOW_DAYS = 14;
export const RESOLVE_RUNS = 5;
export const RISING_PROBABILITY = 0.95;
const DAY = 86_400_000;

export interface ProblemCounts {
  firstSeen: number;
  lastSeen: number;
  regressedAt: number | null;
  /** Runs it affected, and runs checked, in the last 14 days and the 14 before. */
  recent: { k: number; n: number };
  previous: { k: number; n: number };
  /** Runs checked after it was last seen. */
  checkedSince: number;
}

export interface ProblemJudgement {
  status: ProblemStatus;
  /** Over the last 28 days. */
  rate: { mean: number; low: number; high: number };
  /** P(rate of the last 14 days > rate of the 14 before). */
  pRising: number;
  rising: boolean;
}

export function problemStatus(c: ProblemCounts, now: number): ProblemStatus {
  const since = now - WINDOW_DAYS * DAY;
  if (c.regressedAt !== null && c.regressedAt >= since && c.lastSeen >= since) return 'regressed';
  if (c.lastSeen < since && c.checkedSince >= RESOLVE_RUNS) return 'resolved';
  if (c.firstSeen >= since) return 'new';
  return 'recurring';
}

const beta = (x: { k: number; n: number }): [number, number] => [
  1 + Math.min(x.k, x.n),
  1 + Math.max(0, x.n - x.k),
];

export function judgeProblem(c: ProblemCounts, now: number): ProblemJudgement {
  const [a1, b1] = beta(c.recent);
  const [a2, b2] = beta(c.previous);
  const pRising = probGreater(a1, b1, a2, b2);
  const k = c.recent.k + c.previous.k;
  const n = c.recent.n + c.previous.n;
  return {
    status: problemStatus(c, now),
    rate: betaRate(Math.min(k, n), n),
    pRising,
    rising: pRising > RISING_PROBABILITY,
  };
}
