/**
 * What the forecast knows about a request before it runs, and how a finished run's outcome is
 * paired with it. The category's recent success rate is computed for each run only from runs that
 * finished before it was queued (no leakage).
 */
export interface Draft {
  category: string;
  complexity: string;
  profile: string;
  model: string;
  promptVersion: string;
  requestLength: number;
  resourceCount: number;
}

/** A finished run (cancelled ones are not outcomes and are left out before this point). */
export interface History extends Draft {
  success: boolean;
  createdAt: number;
  finishedAt: number;
}

export const PRIOR_DAYS = 30;
const DAY = 86_400_000;

/** A smoothed rate's logit: log((s + 1) / (n − s + 1)). */
export const priorLogit = (s: number, n: number): number => Math.log((s + 1) / (n - s + 1));

/**
 * For each run (in the order given), the success count and total of its category's runs that
 * finished in the PRIOR_DAYS before it was queued.
 */
export function priorRates(runs: readonly History[]): Array<{ s: number; n: number }> {
  const order = runs.map((_, i) => i).sort((a, b) => runs[a]!.createdAt - runs[b]!.createdAt);
  const byFinish = runs.map((_, i) => i).sort((a, b) => runs[a]!.finishedAt - runs[b]!.finishedAt);
  const win = new Map<string, { s: number; n: number }>();
  const out = new Array<{ s: number; n: number }>(runs.length);
  let added = 0;
  let removed = 0;
  for (const i of order) {
    const at = runs[i]!.createdAt;
    for (; added < byFinish.length && runs[byFinish[added]!]!.finishedAt < at; added++) {
      const r = runs[byFinish[added]!]!;
      const w = win.get(r.category) ?? { s: 0, n: 0 };
      w.n++;
      if (r.success) w.s++;
      win.set(r.category, w);
    }
    for (
      ;
      removed < added && runs[byFinish[removed]!]!.finishedAt < at - PRIOR_DAYS * DAY;
      removed++
    ) {
      const r = runs[byFinish[removed]!]!;
      const w = win.get(r.category)!;
      w.n--;
      if (r.success) w.s--;
    }
    const w = win.get(runs[i]!.category);
    out[i] = { s: w?.s ?? 0, n: w?.n ?? 0 };
  }
  return out;
}

const CATEGORICAL = ['category', 'complexity', 'profile', 'model', 'promptVersion'] as const;

/** Maps drafts to sparse rows: intercept, one one-hot per categorical field, three numerics. */
export interface Encoder {
  dim: number;
  width: number;
  encode(d: Draft, prior: { s: number; n: number }): { index: number[]; value: number[] };
}

export function buildEncoder(
  runs: readonly Draft[],
  priors: ReadonlyArray<{ s: number; n: number }>,
): Encoder {
  const vocab = new Map<string, number>();
  let dim = 1;
  for (const r of runs)
    for (const f of CATEGORICAL) {
      const key = `${f}=${r[f]}`;
      if (!vocab.has(key)) vocab.set(key, dim++);
    }
  // A value never seen in training points at a weight pinned to zero (the last one).
  const unseen = dim++;
  const numericStart = dim;
  dim += 3;
  const raw = (d: Draft, p: { s: number; n: number }) => [
    Math.log1p(d.resourceCount),
    Math.log1p(d.requestLength),
    priorLogit(p.s, p.n),
  ];
  const mean = [0, 0, 0];
  const sd = [1, 1, 1];
  if (runs.length > 1) {
    const cols = runs.map((r, i) => raw(r, priors[i]!));
    for (let j = 0; j < 3; j++) {
      const m = cols.reduce((a, c) => a + c[j]!, 0) / cols.length;
      const v = cols.reduce((a, c) => a + (c[j]! - m) ** 2, 0) / cols.length;
      mean[j] = m;
      sd[j] = Math.sqrt(v) || 1;
    }
  }
  return {
    dim,
    width: 1 + CATEGORICAL.length + 3,
    encode(d, prior) {
      const index = [0];
      const value = [1];
      for (const f of CATEGORICAL) {
        const at = vocab.get(`${f}=${d[f]}`);
        index.push(at ?? unseen);
        value.push(at === undefined ? 0 : 1);
      }
      raw(d, prior).forEach((x, j) => {
        index.push(numericStart + j);
        value.push((x - mean[j]!) / sd[j]!);
      });
      return { index, value };
    },
  };
}
