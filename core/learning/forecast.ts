import { betaRate } from './beta.ts';
import { buildEncoder, priorRates, PRIOR_DAYS, type Draft, type History } from './features.ts';
import { fitLogistic, predictLogistic } from './logistic.ts';

/**
 * The success forecast: a logistic regression trained on the finished runs, calibrated on a time
 * split (trained on runs that finished before the cut, scored on runs queued after it), and
 * trusted only when the history supports it: below MIN_MODEL_RUNS runs, or without positive
 * Brier skill on the later runs, the answer is the category's Beta-Binomial rate, and below
 * MIN_RUNS there is no number at all.
 */
export const MIN_RUNS = 10;
export const MIN_MODEL_RUNS = 50;
const LAMBDA = 1;
const DAY = 86_400_000;

export type Basis = 'model' | 'base-rate' | 'insufficient';

export interface Forecast {
  probability: number | null;
  interval: [number, number] | null;
  basis: Basis;
  /** 1 − Brier / Brier of the base rate, on the later runs of the time split. */
  brierSkill: number | null;
  /** Finished runs the forecast learned from. */
  n: number;
}

export interface ReliabilityBin {
  predicted: number;
  observed: number;
  n: number;
}

export interface Calibration {
  brier: number;
  baseBrier: number;
  skill: number;
  trainRuns: number;
  testRuns: number;
  cutAt: number;
  bins: ReliabilityBin[];
}

export interface ForecastModel {
  n: number;
  trainedAt: number;
  calibration: Calibration | null;
  predict(draft: Draft): Forecast;
}

type Fitted = (d: Draft, prior: { s: number; n: number }) => ReturnType<typeof predictLogistic>;

function fit(runs: readonly History[], priors: ReadonlyArray<{ s: number; n: number }>): Fitted {
  const enc = buildEncoder(runs, priors);
  const index = new Int32Array(runs.length * enc.width);
  const value = new Float64Array(runs.length * enc.width);
  const y = new Uint8Array(runs.length);
  runs.forEach((r, i) => {
    enc.encodeInto(r, priors[i]!, index, value, i * enc.width);
    y[i] = r.success ? 1 : 0;
  });
  const model = fitLogistic({ dim: enc.dim, width: enc.width, index, value, y }, LAMBDA);
  return (d, prior) => {
    const index: number[] = [];
    const value: number[] = [];
    enc.encodeInto(d, prior, index, value, 0);
    return predictLogistic(model, index, value);
  };
}

/** Equal-count bins of (prediction, outcome) pairs, 5 to 10 of them. */
export function reliability(pairs: Array<[number, number]>): ReliabilityBin[] {
  const sorted = [...pairs].sort((a, b) => a[0] - b[0]);
  const count = Math.min(10, Math.max(5, Math.floor(sorted.length / 30)));
  const bins: ReliabilityBin[] = [];
  for (let b = 0; b < count; b++) {
    const part = sorted.slice(
      Math.floor((b * sorted.length) / count),
      Math.floor(((b + 1) * sorted.length) / count),
    );
    if (!part.length) continue;
    bins.push({
      predicted: part.reduce((s, p) => s + p[0], 0) / part.length,
      observed: part.reduce((s, p) => s + p[1], 0) / part.length,
      n: part.length,
    });
  }
  return bins;
}

function calibrate(
  runs: readonly History[],
  priors: Array<{ s: number; n: number }>,
): Calibration | null {
  const byCreated = [...runs].sort((a, b) => a.createdAt - b.createdAt);
  const cutAt = byCreated[Math.floor(byCreated.length * 0.8)]?.createdAt ?? 0;
  const train: number[] = [];
  const test: number[] = [];
  runs.forEach((r, i) => {
    if (r.finishedAt < cutAt) train.push(i);
    else if (r.createdAt >= cutAt) test.push(i);
  });
  if (train.length < 20 || test.length < 10) return null;
  const model = fit(
    train.map((i) => runs[i]!),
    train.map((i) => priors[i]!),
  );
  const base = train.reduce((s, i) => s + (runs[i]!.success ? 1 : 0), 0) / train.length;
  const pairs: Array<[number, number]> = test.map((i) => [
    model(runs[i]!, priors[i]!).probability,
    runs[i]!.success ? 1 : 0,
  ]);
  const brier = pairs.reduce((s, [p, y]) => s + (p - y) ** 2, 0) / pairs.length;
  const baseBrier = pairs.reduce((s, [, y]) => s + (base - y) ** 2, 0) / pairs.length;
  return {
    brier,
    baseBrier,
    skill: baseBrier > 0 ? 1 - brier / baseBrier : 0,
    trainRuns: train.length,
    testRuns: test.length,
    cutAt,
    bins: reliability(pairs),
  };
}

/** Trains on the finished runs (cancelled runs excluded); `now` dates the category priors. */
export function trainForecast(history: readonly History[], now = Date.now()): ForecastModel {
  const n = history.length;
  const priors = priorRates(history);
  const calibration = n >= MIN_MODEL_RUNS ? calibrate(history, priors) : null;
  const useModel = calibration !== null && calibration.skill > 0;
  const model = useModel ? fit(history, priors) : null;
  const recent = new Map<string, { s: number; n: number }>();
  const total = new Map<string, { s: number; n: number }>();
  for (const r of history) {
    const t = total.get(r.category) ?? { s: 0, n: 0 };
    t.n++;
    t.s += r.success ? 1 : 0;
    total.set(r.category, t);
    if (r.finishedAt >= now - PRIOR_DAYS * DAY && r.finishedAt < now) {
      const w = recent.get(r.category) ?? { s: 0, n: 0 };
      w.n++;
      w.s += r.success ? 1 : 0;
      recent.set(r.category, w);
    }
  }
  const skill = calibration?.skill ?? null;
  return {
    n,
    trainedAt: now,
    calibration,
    predict(draft) {
      if (n < MIN_RUNS)
        return { probability: null, interval: null, basis: 'insufficient', brierSkill: skill, n };
      if (!model) {
        const t = total.get(draft.category) ?? { s: 0, n: 0 };
        const r = betaRate(t.s, t.n);
        return {
          probability: r.mean,
          interval: [r.low, r.high],
          basis: 'base-rate',
          brierSkill: skill,
          n,
        };
      }
      const p = model(draft, recent.get(draft.category) ?? { s: 0, n: 0 });
      return {
        probability: p.probability,
        interval: p.interval,
        basis: 'model',
        brierSkill: skill,
        n,
      };
    },
  };
}
