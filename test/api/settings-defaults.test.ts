import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAudit } from '../../db/audit.ts';
import { createReporter } from '../../db/progress.ts';
import { createControl, type PipelineControl } from '../../inngest/control.ts';
import type { Engine } from '../../inngest/engine/port.ts';
import { createRunLifecycle } from '../../inngest/lifecycle.ts';
import { createTestApp, type TestApp } from '../support/app.ts';

/**
 * Editable settings (issue 14 item 7): iteration defaults per complexity, default format and
 * model, usage-limit back-off and concurrency are changed through PATCH /api/settings, checked,
 * audited, and reach the next scenario and run without a restart (concurrency: at the next
 * start, and the answer says so).
 */
describe('editable settings', () => {
  let t: TestApp;
  beforeAll(async () => {
    let control: PipelineControl | undefined;
    const pipeline: PipelineControl = {
      generate: (...a) => control!.generate(...a),
      cancelRun: (...a) => control!.cancelRun(...a),
      cancelScenario: (...a) => control!.cancelScenario(...a),
      retry: (...a) => control!.retry(...a),
      rollback: (...a) => control!.rollback(...a),
      change: (...a) => control!.change(...a),
    };
    t = await createTestApp(
      { RUN_CONCURRENCY: '3', USAGE_LIMIT_BACKOFF: '15m' },
      { pipeline, meta: { version: 'test', demoModel: false, executor: 'local' } },
    );
    const engine: Engine = {
      kind: 'local',
      send: async () => {},
      start: async () => {},
      stop: async () => {},
    };
    const lifecycle = createRunLifecycle({
      sql: t.db.sql,
      reporter: createReporter({ db: t.db.sql, bus: t.deps.bus }),
    });
    control = createControl({
      sql: t.db.sql,
      engine,
      lifecycle,
      defaultModel: 'claude-sonnet-4-5',
    });
  });
  afterAll(() => t?.close());

  it('changes defaults and concurrency, audits them, and applies them to what comes next', async () => {
    const r = await t.call('PATCH', '/api/settings', {
      defaults: {
        profile: 'vrooli-2025-08-29',
        model: 'claude-opus-4-1',
        iterations: { intermediate: { planningIterations: 5, validationFixes: 1 } },
        usageLimitBackoffMs: 30 * 60_000,
      },
      concurrency: { global: 6 },
    });
    expect(r.status).toBe(200);
    expect(r.json.defaults).toMatchObject({
      profile: 'vrooli-2025-08-29',
      model: 'claude-opus-4-1',
      usageLimitBackoffMs: 1_800_000,
    });
    expect(r.json.defaults.iterations.intermediate).toEqual({
      planningIterations: 5,
      implementationIterations: 2,
      validationFixes: 1,
    });
    expect(r.json.concurrency).toEqual({ global: 6, perCampaign: 2, restartNeeded: true });
    const [entry] = await listAudit(t.db.sql, { targetId: 'defaults' });
    expect(entry).toMatchObject({ action: 'settings.update', actor: 'local' });

    // The next scenario and its run take them, no restart in between.
    const c = await t.call('POST', '/api/campaigns', { name: 'Defaults' });
    const s = await t.call('POST', '/api/scenarios', {
      campaignId: c.json.id,
      request: 'A reading list',
      complexity: 'intermediate',
    });
    expect(s.json.targetFormat).toBe('vrooli-2025-08-29');
    expect(s.json.config).toMatchObject({ planningIterations: 5, validationFixes: 1 });
    expect((await t.call('GET', '/api/meta')).json.defaultProfile).toBe('vrooli-2025-08-29');
    const run = await t.call('POST', `/api/scenarios/${s.json.id}/generate`);
    expect(run.status).toBe(202);
    expect(run.json.config).toMatchObject({
      model: 'claude-opus-4-1',
      usageLimitBackoffMs: 1_800_000,
    });
  });

  it('refuses bad values by field', async () => {
    const bad = await t.call('PATCH', '/api/settings', {
      defaults: {
        profile: 'vrooli-1999',
        model: 'no spaces allowed',
        iterations: { simple: { planningIterations: 9 } },
        usageLimitBackoffMs: 5,
      },
      concurrency: { global: 0 },
    });
    expect(bad.status).toBe(400);
    expect(bad.json.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'body.concurrency.global',
      'body.defaults.iterations.simple.planningIterations',
      'body.defaults.model',
      'body.defaults.usageLimitBackoffMs',
    ]);
    const profile = await t.call('PATCH', '/api/settings', {
      defaults: { profile: 'vrooli-1999' },
    });
    expect(profile.status).toBe(400);
    expect(profile.json.errors[0].field).toBe('body.defaults.profile');
    expect((await t.call('PATCH', '/api/settings', {})).status).toBe(400);
  });
});
