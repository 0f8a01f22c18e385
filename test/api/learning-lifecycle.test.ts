import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryBus } from '../../core/bus/memory.ts';
import { createCampaign } from '../../db/campaigns.ts';
import { createReporter } from '../../db/progress.ts';
import { createScenario } from '../../db/scenarios.ts';
import { createForecaster } from '../../functions/learning/forecaster.ts';
import { createAnswerCache } from '../../functions/learning/answer-cache.ts';
import { analyticsOverview } from '../../functions/learning/overview.ts';
import { createRunLifecycle, type RunEndStatus } from '../../inngest/lifecycle.ts';
import { createTestDb, type TestDb } from '../support/db.ts';

/**
 * A run that ends through the lifecycle (the one owner of run state) tells its listener once,
 * lands in run_stats (the trigger) with its evidence level, and the forecast retrains on it.
 */
let db: TestDb;
beforeAll(async () => {
  db = await createTestDb();
});
afterAll(() => db.drop());

describe('run finished → analytics', () => {
  it('notifies once per run, records the evidence, and the forecast learns the run', async () => {
    const bus = createMemoryBus();
    const ended: RunEndStatus[] = [];
    const forecaster = createForecaster({
      sql: db.sql,
      defaultProfile: 'vrooli-2025-08-07',
      debounceMs: 10,
    });
    const lifecycle = createRunLifecycle({
      sql: db.sql,
      reporter: createReporter({ db: db.sql, bus }),
      onFinished: (_ref, status) => {
        ended.push(status);
        forecaster.runFinished();
      },
    });
    expect((await forecaster.model()).n).toBe(0);
    const overviews = createAnswerCache({
      key: (q: { days: number }) => String(q.days),
      compute: (q: { days: number }) => analyticsOverview(db.sql, forecaster, q),
      forecaster,
    });
    expect((await overviews.get({ days: 30 })).totals.runs).toBe(0);
    const campaign = await createCampaign(db.sql, { name: 'Lifecycle' }, 'test');
    const finish = async (i: number, evidence: string, ok: boolean) => {
      const s = await createScenario(
        db.sql,
        {
          campaignId: campaign.id,
          title: `S${i}`,
          request: 'Build a notes app with postgres and redis.',
        },
        'test',
      );
      const run = await lifecycle.queue(
        { scenarioId: s.id, trigger: 'api', config: {} },
        'test',
        'test',
      );
      const ref = { runId: run.id, scenarioId: s.id };
      await lifecycle.enter(ref, 'deploying');
      if (ok)
        await lifecycle.succeed(ref, {
          facts: { evidence, firstPassValid: true },
          message: 'done',
        });
      else
        await lifecycle.fail(ref, { failureClass: 'validation_failed', error: 'x', message: 'x' });
      // A second end changes nothing and tells nobody.
      await lifecycle.succeed(ref, { facts: {}, message: 'again' });
      return run.id;
    };
    const ran = await finish(1, 'ran', true);
    const structure = await finish(2, 'structure', true);
    await finish(3, '', false);
    expect(ended).toEqual(['succeeded', 'succeeded', 'failed']);
    const rows = await db.sql<
      { run_id: string; evidence: string; success: boolean; resource_count: number }[]
    >`
      SELECT run_id, evidence, success, resource_count FROM run_stats ORDER BY finished_at`;
    expect(rows.map((r) => [r.evidence, r.success])).toEqual([
      ['ran', true],
      ['structure', false],
      ['structure', false],
    ]);
    expect(rows[0]!.run_id).toBe(ran);
    expect(rows[1]!.run_id).toBe(structure);
    expect(rows[0]!.resource_count).toBe(2);
    await expect.poll(async () => (await forecaster.model()).n, { timeout: 5000 }).toBe(3);
    // The page's cached answer is refreshed behind it once runs finished: the stale one first.
    expect((await overviews.get({ days: 30 })).totals.runs).toBe(0);
    await expect.poll(async () => (await overviews.get({ days: 30 })).totals.runs).toBe(3);
    // A later run is loaded incrementally (only what finished since), once.
    await finish(4, 'tested', true);
    await expect.poll(async () => (await forecaster.model()).n, { timeout: 5000 }).toBe(4);
    await forecaster.retrain();
    expect((await forecaster.model()).n).toBe(4);
    forecaster.close();
    await bus.close();
  });
});
