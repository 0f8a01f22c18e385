import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAudit } from '../../db/audit.ts';
import { createTestApp, type TestApp } from '../support/app.ts';

describe('campaigns API', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('creates, reads, lists, renames, archives and deletes a campaign, auditing each change', async () => {
    const created = await t.call('POST', '/api/campaigns', {
      name: 'Support bots',
      color: 'teal',
      icon: 'headset',
      client: 'ACME',
    });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({
      name: 'Support bots',
      color: 'teal',
      icon: 'headset',
      client: 'ACME',
      archived: false,
      scenarioCount: 0,
      successRate: null,
    });
    const id = created.json.id as string;

    expect((await t.call('GET', `/api/campaigns/${id}`)).json.name).toBe('Support bots');
    const list = await t.call('GET', '/api/campaigns');
    expect(list.json.items.map((c: { id: string }) => c.id)).toContain(id);

    const renamed = await t.call('PATCH', `/api/campaigns/${id}`, { name: 'Support automations' });
    expect(renamed.status).toBe(200);
    expect(renamed.json.name).toBe('Support automations');

    const archived = await t.call('POST', `/api/campaigns/${id}/archive`);
    expect(archived.json.archived).toBe(true);
    expect(
      (await t.call('GET', '/api/campaigns')).json.items.some((c: { id: string }) => c.id === id),
    ).toBe(false);
    expect(
      (await t.call('GET', '/api/campaigns?archived=true')).json.items.some(
        (c: { id: string }) => c.id === id,
      ),
    ).toBe(true);

    expect((await t.call('DELETE', `/api/campaigns/${id}`)).status).toBe(204);
    expect((await t.call('GET', `/api/campaigns/${id}`)).status).toBe(404);

    const actions = (await listAudit(t.db.sql, { targetId: id })).map((a) => a.action).reverse();
    expect(actions).toEqual([
      'campaign.create',
      'campaign.update',
      'campaign.archive',
      'campaign.delete',
    ]);
    expect((await listAudit(t.db.sql, { targetId: id }))[0]!.actor).toBe('local');
  });

  it('refuses a duplicate live name with 409, and deleting a campaign that holds scenarios', async () => {
    const a = await t.call('POST', '/api/campaigns', { name: 'Dupes' });
    const b = await t.call('POST', '/api/campaigns', { name: 'dupes' });
    expect(b.status).toBe(409);
    expect(b.type).toContain('application/problem+json');
    await t.call('POST', '/api/scenarios', { campaignId: a.json.id, title: 'x', request: 'y' });
    const del = await t.call('DELETE', `/api/campaigns/${a.json.id}`);
    expect(del.status).toBe(409);
    expect(del.json.detail).toMatch(/holds 1 scenario/);
  });

  it('names each offending field of a bad body', async () => {
    const r = await t.call('POST', '/api/campaigns', {
      name: '',
      color: 'plaid',
      icon: 3,
      extra: true,
    });
    expect(r.status).toBe(400);
    expect(r.type).toContain('application/problem+json');
    const fields = r.json.errors.map((e: { field: string }) => e.field).sort();
    expect(fields).toEqual(['body.color', 'body.extra', 'body.icon', 'body.name']);
    expect(r.json.errors.find((e: { field: string }) => e.field === 'body.extra').message).toBe(
      'Unknown field.',
    );
  });
});
