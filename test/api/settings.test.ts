import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAudit } from '../../db/audit.ts';
import { createTestApp, type TestApp } from '../support/app.ts';

describe('settings and profiles API', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ RUN_CONCURRENCY: '3' });
  });
  afterAll(() => t.close());

  it('shows defaults, budgets, concurrency and the templates with their versions', async () => {
    const r = await t.call('GET', '/api/settings');
    expect(r.status).toBe(200);
    expect(r.json.concurrency).toEqual({ global: 3, perCampaign: 2, restartNeeded: false });
    expect(r.json.budgets.simple).toMatchObject({ maxTurns: 30, maxBudgetUsd: 2 });
    expect(r.json.templates.map((x: { name: string }) => x.name).sort()).toEqual([
      'fix-validation',
      'implement',
      'initial-plan',
      'refine-plan',
      'score-plan',
      'suggest-change',
    ]);
    expect(
      r.json.templates.every((x: { version: string }) => /^[0-9a-f]{12}$/.test(x.version)),
    ).toBe(true);
  });

  it('changes budgets within limits, audits it, and refuses bad values', async () => {
    const r = await t.call('PATCH', '/api/settings', { budgets: { simple: { maxTurns: 12 } } });
    expect(r.status).toBe(200);
    expect(r.json.budgets.simple).toMatchObject({ maxTurns: 12, maxBudgetUsd: 2 });
    expect((await listAudit(t.db.sql, { targetId: 'budgets' }))[0]!.action).toBe('settings.update');
    const bad = await t.call('PATCH', '/api/settings', {
      budgets: { simple: { maxTurns: 0 }, huge: {} },
    });
    expect(bad.status).toBe(400);
    expect(bad.json.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'body.budgets.huge',
      'body.budgets.simple.maxTurns',
    ]);
  });

  it('lists the target-format profiles', async () => {
    const r = await t.call('GET', '/api/profiles');
    expect(r.json.items.map((p: { id: string }) => p.id)).toEqual(
      expect.arrayContaining(['vrooli-2025-08-07', 'vrooli-2025-08-29']),
    );
    expect(r.json.default).toBe('vrooli-2025-08-07');
  });
});
