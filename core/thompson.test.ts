import { describe, expect, it } from 'vitest';
import { armStats, betaSampler, drawArm, seedOf, type ArmCounts } from './thompson.ts';

/** A simulated experiment: each round draws an arm, then a Bernoulli outcome at its true rate. */
function simulate(rates: Record<string, number>, rounds: number, seed: number) {
  const sample = betaSampler(seed);
  const arms: ArmCounts[] = Object.keys(rates).map((version) => ({
    version,
    n: 0,
    successes: 0,
  }));
  const picks: Record<string, number> = {};
  let floor = 0;
  for (let i = 0; i < rounds; i++) {
    const { version, how } = drawArm(arms, sample);
    if (how === 'floor') floor++;
    picks[version] = (picks[version] ?? 0) + 1;
    const arm = arms.find((a) => a.version === version)!;
    arm.n++;
    // The outcome's randomness comes from the same seeded stream (a uniform Beta(1,1) draw).
    if (sample(1, 1) < rates[version]!) arm.successes++;
  }
  return { arms, picks, floor };
}

describe('Thompson sampling over prompt versions', () => {
  it('moves most draws to the better arm of a simulated experiment (seeded)', () => {
    const { picks, arms, floor } = simulate({ incumbent: 0.4, candidate: 0.65 }, 1000, 42);
    expect(picks.candidate! / 1000).toBeGreaterThan(0.75);
    // At least the floor's share stays on the incumbent.
    expect(picks.incumbent! / 1000).toBeGreaterThanOrEqual(0.08);
    expect(floor).toBeGreaterThan(60);
    const stats = armStats(arms, 7);
    expect(stats[1]!.verdict).toBe('helped');
    expect(stats[1]!.pBeatsIncumbent).toBeGreaterThan(0.95);
    // The same seed, the same history.
    expect(simulate({ incumbent: 0.4, candidate: 0.65 }, 1000, 42).picks).toEqual(picks);
  });

  it('keeps drawing the incumbent when the candidate is worse', () => {
    const { picks } = simulate({ incumbent: 0.7, candidate: 0.3 }, 600, 3);
    expect(picks.incumbent! / 600).toBeGreaterThan(0.75);
  });

  it('says "not enough data" below 30 runs, whatever P is', () => {
    const stats = armStats(
      [
        { version: 'a', n: 20, successes: 2 },
        { version: 'b', n: 20, successes: 19 },
      ],
      1,
    );
    expect(stats[1]!.pBeatsIncumbent).toBeGreaterThan(0.99);
    expect(stats[1]!.verdict).toBe('not enough data');
    expect(stats[0]!.verdict).toBe('incumbent');
    expect(stats[1]!.mean).toBeCloseTo(20 / 22, 6);
    expect(stats[1]!.low).toBeLessThan(stats[1]!.mean);
    expect(stats[1]!.high).toBeGreaterThan(stats[1]!.mean);
  });

  it('is deterministic for a seed, and seeds come from text', () => {
    const arms = [
      { version: 'a', n: 40, successes: 20 },
      { version: 'b', n: 40, successes: 26 },
    ];
    expect(armStats(arms, 5)).toEqual(armStats(arms, 5));
    expect(seedOf('run-1')).toBe(seedOf('run-1'));
    expect(seedOf('run-1')).not.toBe(seedOf('run-2'));
  });
});
