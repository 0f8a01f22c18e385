import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCost, enterPhase, finishRun } from '../../db/run-state.ts';
import { createRun } from '../../db/runs.ts';
import { createTestApp, type TestApp } from '../support/app.ts';

/**
 * Numbers that must not lie: a campaign's cost and deployed count span every run (a re-run that
 * is cancelled does not undo a deployed version), a scenario says its evidence level, and an
 * archived campaign's scenarios are not counted among all campaigns'.
 */
describe('campaign and scenario totals', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  async function run(scenarioId: string, cost: number, end: 'succeeded' | 'cancelled') {
    const r = await createRun(t.db.sql, { scenarioId, trigger: 'api', config: {} }, 'local');
    await enterPhase(t.db.sql, r.id, 'planning');
    if (end === 'succeeded')
      for (const p of ['implementing', 'validating', 'deploying'] as const)
        await enterPhase(t.db.sql, r.id, p);
    await addCost(t.db.sql, r.id, cost);
    await finishRun(t.db.sql, r.id, {
      status: end,
      ...(end === 'succeeded' ? { facts: { evidence: 'ran' } } : { failureClass: 'cancelled' }),
    });
  }

  it('keeps deployed and the cost of every run after a cancelled re-run', async () => {
    const c = (await t.call('POST', '/api/campaigns', { name: 'Home & Team Tools' })).json;
    const s = (
      await t.call('POST', '/api/scenarios', {
        campaignId: c.id,
        title: 'Chores',
        request: 'A chore board',
      })
    ).json;
    await run(s.id, 0.16, 'succeeded');
    await run(s.id, 0.29, 'cancelled');

    const campaign = (await t.call('GET', `/api/campaigns/${c.id}`)).json;
    expect(campaign.deployedCount).toBe(1);
    expect(campaign.failedCount).toBe(0);
    expect(campaign.costUsd).toBeCloseTo(0.45, 6);
    expect(campaign.successRate).toBe(100);

    const scenario = (await t.call('GET', `/api/scenarios/${s.id}`)).json;
    expect(scenario.status).toBe('cancelled');
    expect(scenario.deployedAt).not.toBeNull();
    expect(scenario.evidence).toBe('ran');
    expect(scenario.costUsd).toBeCloseTo(0.29, 6);
    expect(scenario.totalCostUsd).toBeCloseTo(0.45, 6);
  });

  it('leaves an archived campaign’s scenarios out of the all-campaigns list', async () => {
    const before = (await t.call('GET', '/api/scenarios')).json.total as number;
    const c = (await t.call('POST', '/api/campaigns', { name: 'Old ideas' })).json;
    await t.call('POST', '/api/scenarios', { campaignId: c.id, title: 'Gone', request: 'Old' });
    expect((await t.call('GET', '/api/scenarios')).json.total).toBe(before + 1);
    await t.call('POST', `/api/campaigns/${c.id}/archive`);
    expect((await t.call('GET', '/api/scenarios')).json.total).toBe(before);
    expect((await t.call('GET', `/api/scenarios?campaign=${c.id}`)).json.total).toBe(1);
  });
});
