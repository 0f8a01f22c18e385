import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { updateCampaign } from '../../db/campaigns.ts';
import { listSteps } from '../../db/run-steps.ts';
import { getRun } from '../../db/runs.ts';
import { getScenario } from '../../db/scenarios.ts';
import { putSetting } from '../../db/settings.ts';
import { spendCapReached } from '../../db/spend.ts';
import { createPipelineHarness, type PipelineHarness } from './harness.ts';

/**
 * Spending caps (issue 14 item 11b): a run that reaches its cap pauses at the next step boundary
 * with the cause shown, and goes on when the cap is raised; campaign and daily caps count every
 * run's spend.
 */
describe('pipeline: spending caps', () => {
  let h: PipelineHarness;
  beforeAll(async () => {
    h = await createPipelineHarness({ env: { SPEND_CAP_RECHECK: '1s' } });
  });
  afterAll(() => h?.close());

  it('pauses a run at its cap with the cause shown, and resumes when the cap is raised', async () => {
    // Less than one session costs: the first session runs, the next step boundary stops.
    await putSetting(h.db.sql, 'spend-caps', { runUsd: 0.0001 }, 'test');
    const s = await h.newScenario();
    const run = (await h.pipeline.control.generate(s.id, 'test')) as { id: string };
    const paused = await h.waitFor(s.id, ['sleeping', 'deployed', 'failed'], 120_000);
    expect(paused.status).toBe('sleeping');
    expect((await getScenario(h.db.sql, s.id)).lastAction).toMatch(
      /^Paused: this run's spending cap of \$0\.00 is reached \(\$0\.\d+ spent\)\. Raise it to continue\.$/,
    );
    const steps = await listSteps(h.db.sql, run.id);
    expect(steps.filter((st) => st.name === 'spending cap: paused').length).toBeGreaterThan(0);
    const sessionsBefore = steps.filter((st) => st.status === 'completed').length;
    // Still paused a few rechecks later: no session ran meanwhile.
    await new Promise((r) => setTimeout(r, 2500));
    expect((await getRun(h.db.sql, run.id)).status).toBe('sleeping');
    expect(
      (await listSteps(h.db.sql, run.id)).filter(
        (st) => st.status === 'completed' && !st.name.startsWith('spending cap'),
      ).length,
    ).toBeLessThanOrEqual(sessionsBefore);

    await putSetting(h.db.sql, 'spend-caps', { runUsd: null }, 'test');
    const done = await h.waitFor(s.id, ['deployed', 'failed', 'cancelled'], 120_000);
    expect(done.status).toBe('deployed');

    // The campaign's cap and the daily cap count what every run spent.
    const spent = (await getRun(h.db.sql, run.id)).costUsd;
    expect(spent).toBeGreaterThan(0.01);
    await updateCampaign(h.db.sql, h.campaignId, { budgetUsd: 0.01 }, 'test');
    expect(await spendCapReached(h.db.sql, { runId: run.id, campaignId: h.campaignId })).toEqual({
      cap: 'campaign',
      limitUsd: 0.01,
      spentUsd: spent,
    });
    await updateCampaign(h.db.sql, h.campaignId, { budgetUsd: null }, 'test');
    await putSetting(h.db.sql, 'spend-caps', { dailyUsd: 0.00001 }, 'test');
    expect(
      (await spendCapReached(h.db.sql, { runId: run.id, campaignId: h.campaignId }))?.cap,
    ).toBe('daily');
  }, 240_000);
});
