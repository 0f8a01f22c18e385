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
 * Retry from a phase starts where the earlier run's work allows: a run cancelled while planning
 * has no plan, so "from implementing" starts at planning, records that, and says why; the run's
 * detail lists only the phases a retry can start at.
 */
describe('retry from a phase', () => {
  let t: TestApp;
  const sent: PipelineEvent[] = [];
  beforeAll(async () => {
    // The app needs its pipeline up front; the control needs the app's database: delegate.
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
  afterAll(() => t.close());

  it('offers and starts only a phase the run can resume at, saying why it starts earlier', async () => {
    const c = (await t.call('POST', '/api/campaigns', { name: 'Retry' })).json;
    const s = (
      await t.call('POST', '/api/scenarios', { campaignId: c.id, title: 'R', request: 'r' })
    ).json;
    const first = await createRun(t.db.sql, { scenarioId: s.id, trigger: 'api', config: {} }, 'l');
    await enterPhase(t.db.sql, first.id, 'planning');
    await finishRun(t.db.sql, first.id, { status: 'cancelled', failureClass: 'cancelled' });

    const detail = (await t.call('GET', `/api/runs/${first.id}`)).json;
    expect(detail.resumableFrom).toEqual(['planning']);

    const retried = await t.call('POST', `/api/runs/${first.id}/retry`, {
      fromPhase: 'implementing',
    });
    expect(retried.status).toBe(202);
    expect(retried.json.fromPhase).toBe('planning');
    expect(sent.at(-1)!.data).toMatchObject({ fromPhase: 'planning', sourceRunId: first.id });
    const logs = (await t.call('GET', `/api/scenarios/${s.id}/logs`)).json.items as {
      message: string;
    }[];
    expect(logs.at(-1)!.message).toContain(
      'implementing was asked, but run 1 cannot resume there: it has no plan yet',
    );
  });
});
