import { describe, expect, it } from 'vitest';
import { fitLogistic, predictLogistic } from './logistic.ts';

/** Newton's method on sparse rows reaches the known optimum and a sensible interval. */
describe('logistic regression', () => {
  it('recovers group rates and narrows its interval with more data', () => {
    const rows = (per: number) => {
      // Entries: intercept (0), group one-hot (1 or 2), a numeric (3) that carries no signal.
      const n = 2 * per;
      const index = new Int32Array(n * 3);
      const value = new Float64Array(n * 3);
      const y = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        const group = i < per ? 1 : 2;
        index.set([0, group, 3], i * 3);
        value.set([1, 1, (i % 7) / 7 - 0.43], i * 3);
        const rank = i % per;
        y[i] = rank < (group === 1 ? 0.3 : 0.7) * per ? 1 : 0;
      }
      return { dim: 4, width: 3, index, value, y };
    };
    const small = fitLogistic(rows(100), 1e-6);
    const a = predictLogistic(small, [0, 1, 3], [1, 1, 0]);
    const b = predictLogistic(small, [0, 2, 3], [1, 1, 0]);
    expect(a.probability).toBeCloseTo(0.3, 2);
    expect(b.probability).toBeCloseTo(0.7, 2);
    expect(a.interval[0]).toBeLessThan(0.3);
    expect(a.interval[1]).toBeGreaterThan(0.3);
    const large = fitLogistic(rows(10_000), 1e-6);
    const a2 = predictLogistic(large, [0, 1, 3], [1, 1, 0]);
    expect(a2.interval[1] - a2.interval[0]).toBeLessThan((a.interval[1] - a.interval[0]) / 5);
  });
});
