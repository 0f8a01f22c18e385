import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.ts';

describe('scenarios API', () => {
  let t: TestApp;
  let campaign: string;
  let other: string;
  beforeAll(async () => {
    t = await createTestApp();
    campaign = (await t.call('POST', '/api/campaigns', { name: 'Main' })).json.id;
    other = (await t.call('POST', '/api/campaigns', { name: 'Other' })).json.id;
  });
  afterAll(() => t.close());

  it('creates a scenario with defaults resolved from its complexity and a unique slug', async () => {
    const a = await t.call('POST', '/api/scenarios', {
      campaignId: campaign,
      title: 'Order Tracker!',
      request: 'Track orders',
      complexity: 'intermediate',
    });
    expect(a.status).toBe(201);
    expect(a.json).toMatchObject({
      slug: 'order-tracker',
      status: 'draft',
      progress: 0,
      complexity: 'intermediate',
      targetFormat: 'vrooli-2025-08-07',
    });
    expect(a.json.config).toEqual({
      planningIterations: 3,
      implementationIterations: 2,
      validationFixes: 3,
    });
    const b = await t.call('POST', '/api/scenarios', {
      campaignId: campaign,
      title: 'Order tracker',
      request: 'Again',
      config: { planningIterations: 5, maxBudgetUsd: 2.5 },
    });
    expect(b.json.slug).toBe('order-tracker-2');
    expect(b.json.config).toMatchObject({
      planningIterations: 5,
      implementationIterations: 1,
      maxBudgetUsd: 2.5,
    });
  });

  it('lists with filters, sorting and pagination', async () => {
    for (const title of ['Alpha', 'Bravo', 'Charlie']) {
      await t.call('POST', '/api/scenarios', {
        campaignId: other,
        title,
        request: `request ${title}`,
      });
    }
    const all = await t.call('GET', `/api/scenarios?campaign=${other}&sort=title`);
    expect(all.json.total).toBe(3);
    expect(all.json.items.map((s: { title: string }) => s.title)).toEqual([
      'Alpha',
      'Bravo',
      'Charlie',
    ]);
    const page = await t.call(
      'GET',
      `/api/scenarios?campaign=${other}&sort=-title&limit=2&offset=1`,
    );
    expect(page.json.items.map((s: { title: string }) => s.title)).toEqual(['Bravo', 'Alpha']);
    expect(page.json).toMatchObject({ total: 3, limit: 2, offset: 1 });
    expect(
      (await t.call('GET', `/api/scenarios?campaign=${other}&status=deployed,failed`)).json.total,
    ).toBe(0);
    expect((await t.call('GET', `/api/scenarios?campaign=${other}&status=draft`)).json.total).toBe(
      3,
    );
    expect(
      (await t.call('GET', `/api/scenarios?campaign=${other}&q=bra`)).json.items[0].title,
    ).toBe('Bravo');
    expect((await t.call('GET', `/api/scenarios?campaign=${other}&q=%25`)).json.total).toBe(0);
  });

  it('updates and deletes; refuses both while a run is active (409)', async () => {
    const s = (
      await t.call('POST', '/api/scenarios', {
        campaignId: campaign,
        title: 'Editable',
        request: 'r',
      })
    ).json;
    const patched = await t.call('PATCH', `/api/scenarios/${s.id}`, {
      title: 'Edited',
      config: { validationFixes: 4 },
    });
    expect(patched.json).toMatchObject({
      title: 'Edited',
      config: { validationFixes: 4, planningIterations: 2 },
    });
    await t.db.sql`UPDATE scenarios SET status = 'queued' WHERE id = ${s.id}`;
    expect((await t.call('PATCH', `/api/scenarios/${s.id}`, { title: 'No' })).status).toBe(409);
    expect((await t.call('DELETE', `/api/scenarios/${s.id}`)).status).toBe(409);
    await t.db.sql`UPDATE scenarios SET status = 'cancelled' WHERE id = ${s.id}`;
    expect((await t.call('DELETE', `/api/scenarios/${s.id}`)).status).toBe(204);
    expect((await t.call('GET', `/api/scenarios/${s.id}`)).status).toBe(404);
  });

  it('applies batch actions per scenario and reports each result', async () => {
    const a = (
      await t.call('POST', '/api/scenarios', {
        campaignId: campaign,
        title: 'Batch A',
        request: 'r',
      })
    ).json;
    const b = (
      await t.call('POST', '/api/scenarios', {
        campaignId: campaign,
        title: 'Batch B',
        request: 'r',
      })
    ).json;
    const missing = '00000000-0000-4000-8000-000000000000';
    const r = await t.call('POST', '/api/scenarios/batch', {
      ids: [a.id, b.id, missing],
      action: 'archive',
    });
    expect(r.status).toBe(200);
    expect(r.json.results.map((x: { ok: boolean }) => x.ok)).toEqual([true, true, false]);
    expect(r.json.results[2].error.status).toBe(404);
    expect((await t.call('GET', `/api/scenarios/${a.id}`)).json.archived).toBe(true);
    expect(
      (await t.call('GET', `/api/scenarios?campaign=${campaign}&archived=true`)).json.total,
    ).toBe(2);
  });

  it('refuses a scenario in an unknown or archived campaign', async () => {
    const unknown = await t.call('POST', '/api/scenarios', {
      campaignId: '00000000-0000-4000-8000-000000000001',
      title: 't',
      request: 'r',
    });
    expect(unknown.status).toBe(404);
    const arch = (await t.call('POST', '/api/campaigns', { name: 'Archived one' })).json;
    await t.call('POST', `/api/campaigns/${arch.id}/archive`);
    expect(
      (await t.call('POST', '/api/scenarios', { campaignId: arch.id, title: 't', request: 'r' }))
        .status,
    ).toBe(409);
  });

  it('enforces status transitions in the database', async () => {
    const s = (
      await t.call('POST', '/api/scenarios', {
        campaignId: campaign,
        title: 'Transitions',
        request: 'r',
      })
    ).json;
    await t.db.sql`UPDATE scenarios SET status = 'queued' WHERE id = ${s.id}`;
    await t.db.sql`UPDATE scenarios SET status = 'planning' WHERE id = ${s.id}`;
    await t.db.sql`UPDATE scenarios SET status = 'implementing' WHERE id = ${s.id}`;
    await t.db.sql`UPDATE scenarios SET status = 'validating' WHERE id = ${s.id}`;
    await t.db.sql`UPDATE scenarios SET status = 'deploying' WHERE id = ${s.id}`;
    await t.db.sql`UPDATE scenarios SET status = 'deployed' WHERE id = ${s.id}`;
    await expect(
      t.db.sql`UPDATE scenarios SET status = 'planning' WHERE id = ${s.id}`,
    ).rejects.toThrow(/cannot move from deployed to planning/);
    await expect(
      t.db.sql`UPDATE scenarios SET status = 'queued' WHERE id = ${s.id}`,
    ).rejects.toThrow(/cannot move from deployed to queued/);
    // A new run may start it again.
    const [run] = await t.db.sql<
      { id: string }[]
    >`INSERT INTO runs (scenario_id, number) VALUES (${s.id}, 1) RETURNING id`;
    await t.db
      .sql`UPDATE scenarios SET status = 'queued', current_run_id = ${run!.id} WHERE id = ${s.id}`;
    expect((await t.call('GET', `/api/scenarios/${s.id}`)).json.status).toBe('queued');
  });
});
