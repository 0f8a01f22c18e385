import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReporter } from '../../db/progress.ts';
import { enterPhase, finishRun } from '../../db/run-state.ts';
import { createRun } from '../../db/runs.ts';
import { createControl, type PipelineControl } from '../../inngest/control.ts';
import type { Engine } from '../../inngest/engine/port.ts';
import { createRunLifecycle } from '../../inngest/lifecycle.ts';
import type { PipelineEvent } from '../../inngest/spec.ts';
import { createTestApp, type TestApp } from '../support/app.ts';

/**
 * POST /api/scenarios/:id/change (issue 14 item 12): a change run starts from the deployed
 * version's bundle, with the change in its config and the deployed run as its parent; a scenario
 * that never deployed is a conflict, an empty change a field error.
 */
describe('change requests through the API', () => {
  let t: TestApp;
  const sent: PipelineEvent[] = [];
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
    t = await createTestApp({}, { pipeline });
    const engine: Engine = {
      kind: 'local',
      send: async (e) => void sent.push(...(Array.isArray(e) ? e : [e])),
      start: async () => {},
      stop: async () => {},
    };
    const lifecycle = createRunLifecycle({
      sql: t.db.sql,
      reporter: createReporter({ db: t.db.sql, bus: t.deps.bus }),
    });
    control = createControl({ sql: t.db.sql, engine, lifecycle, defaultModel: 'm' });
  });
  afterAll(() => t?.close());

  it('starts a change run from the deployed bundle', async () => {
    const c = await t.call('POST', '/api/campaigns', { name: 'Changes' });
    const s = await t.call('POST', '/api/scenarios', {
      campaignId: c.json.id,
      request: 'A recipe box',
    });
    const never = await t.call('POST', `/api/scenarios/${s.json.id}/change`, { request: 'More' });
    expect(never.status).toBe(409);
    expect(never.json.detail).toMatch(/no deployed version/);

    const base = await createRun(
      t.db.sql,
      { scenarioId: s.json.id, trigger: 'api', config: {} },
      'local',
    );
    for (const p of ['planning', 'implementing', 'validating', 'deploying'] as const)
      await enterPhase(t.db.sql, base.id, p);
    const keys = { planKey: 'p', bundleKey: 'b2', validBundleKey: 'b1' };
    await finishRun(t.db.sql, base.id, { status: 'succeeded', facts: { keys } });

    const empty = await t.call('POST', `/api/scenarios/${s.json.id}/change`, { request: ' ' });
    expect(empty.status).toBe(400);
    expect(empty.json.errors[0].field).toBe('body.request');

    const r = await t.call('POST', `/api/scenarios/${s.json.id}/change`, {
      request: 'Add tags to recipes',
    });
    expect(r.status).toBe(202);
    expect(r.json).toMatchObject({ trigger: 'change', parentRunId: base.id, number: 2 });
    expect(r.json.config.change).toEqual({
      request: 'Add tags to recipes',
      baseRunId: base.id,
      baseRunNumber: 1,
      baseBundleKey: 'b1',
    });
    expect(sent.at(-1)).toMatchObject({
      data: { runId: r.json.id, fromPhase: 'planning', sourceRunId: base.id },
    });
  });
});
