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
  /** Writes the row of `d` at `offset` of `index` and `value` (`width` entries). */
  encodeInto(
    d: Draft,
    prior: { s: number; n: number },
    index: Int32Array | number[],
    value: Float64Array | number[],
    offset: number,
  ): void;
}

const NUMERICS = 3;

function raw(d: Draft, p: { s: number; n: number }, j: number): number {
  if (j === 0) return Math.log1p(d.resourceCount);
  if (j === 1) return Math.log1p(d.requestLength);
  return priorLogit(p.s, p.n);
}

export function buildEncoder(
  runs: readonly Draft[],
  priors: ReadonlyArray<{ s: number; n: number }>,
): Encoder {
  const vocab = CATEGORICAL.map(() => new Map<string, number>());
  let dim = 1;
  for (const r of runs)
    CATEGORICAL.forEach((f, k) => {
      if (!vocab[k]!.has(r[f])) vocab[k]!.set(r[f], dim++);
    });
  // A value never seen in training points at a weight pinned to zero (the last one).
  const unseen = dim++;
  const numericStart = dim;
  dim += NUMERICS;
  const mean = new Float64Array(NUMERICS);
  const sd = new Float64Array(NUMERICS).fill(1);
  if (runs.length > 1) {
    for (let j = 0; j < NUMERICS; j++) {
      let sum = 0;
      let sq = 0;
      for (let i = 0; i < runs.length; i++) {
        const x = raw(runs[i]!, priors[i]!, j);
        sum += x;
        sq += x * x;
      }
      const m = sum / runs.length;
      mean[j] = m;
      sd[j] = Math.sqrt(Math.max(0, sq / runs.length - m * m)) || 1;
    }
  }
  return {
    dim,
    width: 1 + CATEGORICAL.length + NUMERICS,
    encodeInto(d, prior, index, value, offset) {
      index[offset] = 0;
      value[offset] = 1;
      let at = offset + 1;
      CATEGORICAL.forEach((f, k) => {
        const i = vocab[k]!.get(d[f]);
        index[at] = i ?? unseen;
        value[at++] = i === undefined ? 0 : 1;
      });
      for (let j = 0; j < NUMERICS; j++) {
        index[at] = numericStart + j;
        value[at++] = (raw(d, prior, j) - mean[j]!) / sd[j]!;
      }
    },
  };
}
