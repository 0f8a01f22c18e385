import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listInteractions } from '../../db/interactions.ts';
import { getRun } from '../../db/runs.ts';
import { httpError } from '../../runner/model-double/script.ts';
import { createScenarioScript } from '../../runner/model-double/scenario-script.ts';
import { createPipelineHarness, type PipelineHarness } from './harness.ts';

describe('pipeline: a usage limit puts the run to sleep, durably', () => {
  let h: PipelineHarness;
  beforeAll(async () => {
    // The CLI retries a 429 itself (CLAUDE_CODE_MAX_RETRIES=1: once), so the first implementation
    // session sees two 429s in a row and ends with a usage-limit error; later sessions are served.
    let limited = 0;
    const script = createScenarioScript({
      intercept: (task) => (task === 'implement' && limited++ < 2 ? httpError(429) : undefined),
    });
    h = await createPipelineHarness({ script, env: { USAGE_LIMIT_BACKOFF: '3s' } });
  });
  afterAll(() => h.close());

  it('sleeps on a 429, survives a restart while asleep, wakes and completes', async () => {
    const s = await h.newScenario();
    const run = (await h.pipeline.control.generate(s.id, 'test')) as { id: string };
    const asleep = await h.waitFor(s.id, ['sleeping', 'deployed', 'failed'], 120_000);
    expect(asleep.status).toBe('sleeping');
    const sleeping = await getRun(h.db.sql, run.id);
    expect(sleeping.status).toBe('sleeping');
    expect(sleeping.wakeAt).toBeInstanceOf(Date);
    const t0 = Date.now();
    await h.restart();
    const done = await h.waitFor(s.id, ['deployed', 'failed', 'cancelled'], 120_000);
    expect(done.status).toBe('deployed');
    // It did not wake before the back-off was over.
    expect(Date.now()).toBeGreaterThanOrEqual(sleeping.wakeAt!.getTime());
    expect(Date.now() - t0).toBeLessThan(60_000);
    const implement = (await listInteractions(h.db.sql, run.id)).filter(
      (i) => i.promptTemplate === 'implement',
    );
    expect(implement.map((i) => [i.stepKey, i.outcome])).toEqual([
      ['implement-1', 'usage_limit'],
      ['implement-1~1', 'success'],
    ]);
  }, 180_000);
});
