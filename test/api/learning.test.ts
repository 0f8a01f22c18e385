import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as v from 'valibot';
import { AnalyticsOverview, Prediction, ProblemList } from '../../functions/contract/learning.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import {
  requestOf,
  simulateHistory,
  trueProbability,
  type SimDraft,
  type SimRun,
} from '../support/history.ts';

/**
 * The learning loop on a simulated history (seeded): the forecast learns the simulated truth
 * (positive Brier skill on later runs, the truth inside its intervals), says `insufficient` or
 * `base-rate` when the history is small, analytics counts what was simulated split by evidence,
 * and each signature gets the status its schedule dictates.
 */
const DAY = 86_400_000;

describe('forecast on a simulated history of 1,500 runs', () => {
  let app: TestApp;
  let campaignId: string;
  let runs: SimRun[];
  beforeAll(async () => {
    app = await createTestApp();
    ({ campaignId, runs } = await simulateHistory(app.db.sql, {
      seed: 13,
      runs: 1500,
      days: 120,
      cancelled: 0.03,
    }));
  }, 120_000);
  afterAll(() => app.close());

  const predict = async (d: SimDraft) => {
    const res = await app.call('POST', '/api/predictions', {
      campaignId,
      request: requestOf(d),
      category: d.category,
      complexity: d.complexity,
    });
    expect(res.status).toBe(200);
    return v.parse(Prediction, res.json);
  };

  it('uses the model, with positive Brier skill on the later runs', async () => {
    const p = await predict({ category: 'productivity', complexity: 'simple', resources: 0 });
    expect(p.basis).toBe('model');
    expect(p.n).toBe(runs.filter((r) => r.status !== 'cancelled').length);
    expect(p.brierSkill!).toBeGreaterThan(0.05);
  });

  it('ranks drafts as the truth does and holds the truth inside its intervals', async () => {
    const drafts: SimDraft[] = [];
    for (const category of ['productivity', 'games', 'ai-tools', 'finance'] as const)
      for (const complexity of ['simple', 'intermediate', 'advanced'] as const)
        for (const resources of [0, 2, 4]) drafts.push({ category, complexity, resources });
    let inside = 0;
    const pairs: Array<[number, number]> = [];
    for (const d of drafts) {
      const p = await predict(d);
      const truth = trueProbability(d);
      if (truth >= p.interval![0] - 0.02 && truth <= p.interval![1] + 0.02) inside++;
      pairs.push([p.probability!, truth]);
    }
    expect(inside / drafts.length).toBeGreaterThanOrEqual(0.85);
    const best = pairs.reduce((a, b) => (b[1] > a[1] ? b : a));
    const worst = pairs.reduce((a, b) => (b[1] < a[1] ? b : a));
    expect(best[0]).toBeGreaterThan(worst[0] + 0.5);
  });

  it('shows the calibration (5–10 equal-count bins) and counts split by evidence', async () => {
    const res = await app.call('GET', `/api/analytics/overview?days=365`);
    expect(res.status).toBe(200);
    const o = v.parse(AnalyticsOverview, res.json);
    const c = o.calibration!;
    expect(c.brierSkill).toBeGreaterThan(0);
    expect(c.bins.length).toBeGreaterThanOrEqual(5);
    expect(c.bins.length).toBeLessThanOrEqual(10);
    expect(c.bins.map((b) => b.predicted)).toEqual(
      [...c.bins.map((b) => b.predicted)].sort((a, b) => a - b),
    );
    const count = (f: (r: SimRun) => boolean) => runs.filter(f).length;
    expect(o.totals.runs).toBe(runs.length);
    expect(o.totals.cancelled).toBe(count((r) => r.status === 'cancelled'));
    expect(o.totals.tested).toBe(count((r) => r.status === 'succeeded' && r.evidence === 'tested'));
    expect(o.totals.ran).toBe(count((r) => r.status === 'succeeded' && r.evidence === 'ran'));
    expect(o.totals.structure).toBe(
      count((r) => r.status === 'succeeded' && r.evidence === 'structure'),
    );
    expect(o.totals.successRate).toBeCloseTo(
      count((r) => r.status !== 'cancelled' && r.success) / count((r) => r.status !== 'cancelled'),
      6,
    );
    expect(o.breakdowns.category.map((b) => b.label).sort()).toEqual([
      'ai-tools',
      'finance',
      'games',
      'productivity',
    ]);
    const prod = o.breakdowns.category.find((b) => b.key === 'productivity')!;
    const fin = o.breakdowns.category.find((b) => b.key === 'finance')!;
    expect(prod.successRate!).toBeGreaterThan(fin.successRate!);
    expect(o.weekly.length).toBeGreaterThanOrEqual(17);
    expect(o.timings.find((t) => t.name === 'implementing')!.median).toBeGreaterThan(60_000);
    expect(o.sessions.find((s) => s.outcome === 'error')!.n).toBe(count((r) => !r.success));
  });

  it('narrows to a window: the last 30 days hold only the runs that finished in them', async () => {
    const o = v.parse(
      AnalyticsOverview,
      (await app.call('GET', `/api/analytics/overview?days=30&campaign=${campaignId}`)).json,
    );
    const since = Date.now() - 30 * DAY;
    expect(o.totals.runs).toBe(runs.filter((r) => r.finishedAt >= since).length);
  });
});

describe('forecast on a small history', () => {
  const apps: TestApp[] = [];
  afterAll(() => Promise.all(apps.map((a) => a.close())));

  const forecastWith = async (runs: number) => {
    const app = await createTestApp();
    apps.push(app);
    const { campaignId } = await simulateHistory(app.db.sql, { seed: runs, runs, days: 10 });
    const res = await app.call('POST', '/api/predictions', {
      campaignId,
      request: 'Build a games app.',
      category: 'games',
    });
    expect(res.status).toBe(200);
    return v.parse(Prediction, res.json);
  };

  it('is insufficient below 10 runs: no number at all', async () => {
    expect(await forecastWith(6)).toMatchObject({
      basis: 'insufficient',
      probability: null,
      interval: null,
      n: 6,
    });
  });

  it("is the category's Beta-Binomial rate below 50 runs, with a wide interval", async () => {
    const p = await forecastWith(36);
    expect(p.basis).toBe('base-rate');
    expect(p.n).toBe(36);
    expect(p.brierSkill).toBeNull();
    expect(p.interval![1] - p.interval![0]).toBeGreaterThan(0.2);
  });
});

describe('recurring problems on a simulated history', () => {
  let app: TestApp;
  let problems: ProblemList;
  beforeAll(async () => {
    app = await createTestApp();
    await simulateHistory(app.db.sql, {
      seed: 23,
      runs: 1200,
      days: 60,
      signatures: {
        'steady:a': () => 0.1,
        'rising:b': (d) => (d < 14 ? 0.4 : 0.05),
        'resolved:c': (d) => (d > 20 ? 0.3 : 0),
        'new:d': (d) => (d < 7 ? 0.2 : 0),
        'regressed:e': (d) => (d > 40 ? 0.2 : d < 10 ? 0.2 : 0),
      },
    });
    const res = await app.call('GET', '/api/analytics/problems');
    expect(res.status).toBe(200);
    problems = v.parse(ProblemList, res.json);
  }, 120_000);
  afterAll(() => app.close());

  const get = (s: string) => problems.items.find((p) => p.signature === s)!;

  it('gives each signature the status its schedule dictates', () => {
    expect(get('steady:a').status).toBe('recurring');
    expect(get('rising:b').status).toBe('recurring');
    expect(get('resolved:c').status).toBe('resolved');
    expect(get('new:d').status).toBe('new');
    expect(get('regressed:e').status).toBe('regressed');
  });

  it('marks only the rising one rising, with a Beta interval around its rate', () => {
    expect(get('rising:b').rising).toBe(true);
    expect(get('rising:b').pRising).toBeGreaterThan(0.95);
    // A steady rate is flagged with probability 0.05 by construction; this seed's history is not.
    for (const s of ['steady:a', 'resolved:c']) expect(get(s).rising, s).toBe(false);
    // Back after a quiet spell: rising too (nothing in the 14 days before).
    expect(get('regressed:e').rising).toBe(true);
    const steady = get('steady:a');
    expect(steady.rate.low).toBeLessThan(0.1);
    expect(steady.rate.high).toBeGreaterThan(0.1);
    expect(steady.fingerprint).toMatch(/^v1:[0-9a-f]{16}$/);
    expect(steady.stage).toBe('validating/builtin');
    expect(steady.exampleRuns).toHaveLength(3);
    expect(steady.examples[0]!.message).toContain('steady:a');
  });

  it('counts each run once however often its findings are saved again', async () => {
    const before = get('steady:a').runsAffected;
    await app.db.sql`UPDATE validation_results SET findings = findings || '[]'::jsonb`;
    const again = v.parse(ProblemList, (await app.call('GET', '/api/analytics/problems')).json);
    expect(again.items.find((p) => p.signature === 'steady:a')!.runsAffected).toBe(before);
  });
});
