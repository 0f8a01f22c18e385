/**
 * The Beta distribution, exactly: log-gamma (Lanczos), the regularised incomplete beta function
 * (continued fraction), quantiles by bisection, and P(X > Y) for two Beta variables with integer
 * first parameters (a closed sum), so rates and "rising" need no random draws.
 */

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
  -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
  1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0. */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let a = LANCZOS[0]!;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i]! / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** ln B(a, b). */
export function logBeta(a: number, b: number): number {
  return logGamma(a) + logGamma(b) - logGamma(a + b);
}

function continuedFraction(x: number, a: number, b: number): number {
  const TINY = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-14) break;
  }
  return h;
}

/** The Beta(a, b) distribution function at x: the regularised incomplete beta I_x(a, b). */
export function betaCdf(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(a * Math.log(x) + b * Math.log(1 - x) - logBeta(a, b));
  // The continued fraction converges fast only on one side of the mean; use symmetry.
  if (x < (a + 1) / (a + b + 2)) return (front * continuedFraction(x, a, b)) / a;
  return 1 - (front * continuedFraction(1 - x, b, a)) / b;
}

/** The p-quantile of Beta(a, b). */
export function betaQuantile(p: number, a: number, b: number): number {
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (betaCdf(mid, a, b) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** A rate of k in n as Beta(1 + k, 1 + n − k): its mean and central `level` interval. */
export function betaRate(
  k: number,
  n: number,
  level = 0.95,
): { mean: number; low: number; high: number } {
  const a = 1 + k;
  const b = 1 + Math.max(0, n - k);
  const tail = (1 - level) / 2;
  return { mean: a / (a + b), low: betaQuantile(tail, a, b), high: betaQuantile(1 - tail, a, b) };
}

/**
 * P(X > Y) for X ~ Beta(a1, b1), Y ~ Beta(a2, b2), with a1 a whole number (a sum of a1 terms;
 * Evan Miller's formula for A/B tests).
 */
export function probGreater(a1: number, b1: number, a2: number, b2: number): number {
  if (!Number.isInteger(a1)) throw new RangeError('probGreater needs a whole first parameter');
  // The sum has a1 terms; the complement's has a2 (fewer when Y is the rarer one).
  if (Number.isInteger(a2) && a2 < a1) return 1 - probGreater(a2, b2, a1, b1);
  let total = 0;
  const base = logBeta(a2, b2);
  for (let i = 0; i < a1; i++)
    total += Math.exp(logBeta(a2 + i, b1 + b2) - Math.log(b1 + i) - logBeta(1 + i, b1) - base);
  return Math.min(1, Math.max(0, total));
}
