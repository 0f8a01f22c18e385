import { describe, expect, it } from 'vitest';
import { betaCdf, betaQuantile, betaRate, probGreater } from './beta.ts';

/** Exact Beta functions against closed forms and a numeric integral. */
describe('beta', () => {
  it('matches closed forms of the distribution function and its quantiles', () => {
    expect(betaCdf(0.5, 2, 3)).toBeCloseTo(0.6875, 10);
    expect(betaCdf(0.3, 1, 1)).toBeCloseTo(0.3, 10);
    expect(betaCdf(0.9, 5, 1)).toBeCloseTo(0.9 ** 5, 10);
    expect(betaQuantile(0.5, 1, 1)).toBeCloseTo(0.5, 8);
    expect(betaQuantile(0.975, 1, 1)).toBeCloseTo(0.975, 8);
    expect(betaQuantile(0.25, 2, 1)).toBeCloseTo(0.5, 8);
  });

  it('gives a wide interval for 0 of 2 and a narrow one for 100 of 1000', () => {
    const few = betaRate(0, 2);
    expect(few.high).toBeGreaterThan(0.6);
    const many = betaRate(100, 1000);
    expect(many.low).toBeGreaterThan(0.08);
    expect(many.high).toBeLessThan(0.122);
  });

  it('computes P(X > Y) exactly', () => {
    expect(probGreater(1, 1, 1, 1)).toBeCloseTo(0.5, 12);
    expect(probGreater(2, 1, 1, 1)).toBeCloseTo(2 / 3, 12);
    expect(probGreater(3, 7, 5, 4) + probGreater(5, 4, 3, 7)).toBeCloseTo(1, 10);
    // Against a numeric integral of f_X(x) · F_Y(x).
    const [a1, b1, a2, b2] = [31, 171, 12, 190];
    let integral = 0;
    const steps = 20_000;
    for (let i = 0; i < steps; i++) {
      const x = (i + 0.5) / steps;
      const dens =
        (betaCdf(x + 0.5 / steps, a1, b1) - betaCdf(x - 0.5 / steps, a1, b1)) / (1 / steps);
      integral += (dens * betaCdf(x, a2, b2)) / steps;
    }
    expect(probGreater(a1, b1, a2, b2)).toBeCloseTo(integral, 4);
    expect(probGreater(a1, b1, a2, b2)).toBeGreaterThan(0.99);
  });
});
