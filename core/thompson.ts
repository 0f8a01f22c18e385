import beta from '@stdlib/random-base-beta';

/**
 * Prompt experiments as a Bernoulli bandit: each arm (a template version) has a Beta(1+s, 1+f)
 * posterior over its success rate. New runs draw an arm by Thompson sampling, with a floor of
 * runs kept on the incumbent; each arm is summarised from seeded Monte Carlo draws, so the same
 * counts and seed always give the same answer.
 */
export interface ArmCounts {
  version: string;
  /** Finished runs that used this version. */
  n: number;
  /** Of those, runs that succeeded with evidence `ran` or `tested`. */
  successes: number;
}

export interface ArmStats extends ArmCounts {
  incumbent: boolean;
  /** Posterior mean of the success rate. */
  mean: number;
  /** Central 95 % interval of the posterior. */
  low: number;
  high: number;
  /** P(this arm's rate > the incumbent's); null for the incumbent itself. */
  pBeatsIncumbent: number | null;
  /** `helped` only when P > 0.95 with n ≥ 30; the incumbent is `incumbent`. */
  verdict: 'incumbent' | 'helped' | 'not enough data';
}

/** The share of draws kept on the incumbent whatever the posteriors say. */
export const INCUMBENT_FLOOR = 0.1;
export const HELPED_P = 0.95;
export const HELPED_MIN_N = 30;
const DRAWS = 4000;

/** A seeded Beta(α, β) sampler. */
export type BetaSampler = (alpha: number, b: number) => number;

/** A Beta sampler seeded with a 32-bit integer (Mersenne Twister under the hood). */
export function betaSampler(seed: number): BetaSampler {
  const rand = beta.factory({ seed: seed >>> 0 || 1 });
  return (a, b) => rand(a, b);
}

/** A 32-bit seed from text (FNV-1a): a run's draw is reproducible from its id. */
export function seedOf(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

const alphaBeta = (a: ArmCounts): [number, number] => [
  1 + a.successes,
  1 + Math.max(0, a.n - a.successes),
];

/**
 * One Thompson draw: with probability INCUMBENT_FLOOR the incumbent outright, otherwise the arm
 * whose sampled rate is highest. `arms[0]` is the incumbent.
 */
export function drawArm(
  arms: readonly ArmCounts[],
  sample: BetaSampler,
): { version: string; how: 'floor' | 'thompson' } {
  const incumbent = arms[0];
  if (!incumbent) throw new Error('an experiment needs at least one arm');
  // A Beta(1,1) draw is uniform on [0, 1]: it decides the floor from the same seeded stream.
  if (arms.length === 1 || sample(1, 1) < INCUMBENT_FLOOR)
    return { version: incumbent.version, how: 'floor' };
  let best = incumbent;
  let bestDraw = -1;
  for (const arm of arms) {
    const [a, b] = alphaBeta(arm);
    const d = sample(a, b);
    if (d > bestDraw) {
      bestDraw = d;
      best = arm;
    }
  }
  return { version: best.version, how: 'thompson' };
}

function quantile(sorted: Float64Array, q: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))));
  return sorted[i] as number;
}

/** Per arm: n, posterior mean, 95 % interval and P(beats incumbent), from seeded draws. */
export function armStats(arms: readonly ArmCounts[], seed = 1): ArmStats[] {
  const sample = betaSampler(seed);
  const draws = arms.map((arm) => {
    const [a, b] = alphaBeta(arm);
    const out = new Float64Array(DRAWS);
    for (let i = 0; i < DRAWS; i++) out[i] = sample(a, b);
    return out;
  });
  const base = draws[0];
  return arms.map((arm, k) => {
    const d = draws[k] as Float64Array;
    const [a, b] = alphaBeta(arm);
    let wins = 0;
    if (k > 0 && base) for (let i = 0; i < DRAWS; i++) if (d[i]! > base[i]!) wins++;
    const p = k === 0 ? null : wins / DRAWS;
    const sorted = Float64Array.from(d).sort();
    return {
      ...arm,
      incumbent: k === 0,
      mean: a / (a + b),
      low: quantile(sorted, 0.025),
      high: quantile(sorted, 0.975),
      pBeatsIncumbent: p,
      verdict:
        k === 0
          ? 'incumbent'
          : p !== null && p > HELPED_P && arm.n >= HELPED_MIN_N
            ? 'helped'
            : 'not enough data',
    };
  });
}
