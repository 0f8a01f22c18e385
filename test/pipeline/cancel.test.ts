import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listInteractions } from '../../db/interactions.ts';
import { getRun } from '../../db/runs.ts';
import { findSessionProcesses } from '../../runner/agent/proc.ts';
import { stall } from '../../runner/model-double/script.ts';
import { createScenarioScript } from '../../runner/model-double/scenario-script.ts';
import { createPipelineHarness, type PipelineHarness } from './harness.ts';

describe('pipeline: cancelling a running run', () => {
  let h: PipelineHarness;
  beforeAll(async () => {
    // The implementation session hangs (the double holds the response open).
    h = await createPipelineHarness({
      script: createScenarioScript({
        intercept: (task) => (task === 'implement' ? stall() : undefined),
      }),
    });
  });
  afterAll(() => h.close());

  it('stops the agent process tree within 5 s and marks the run cancelled', async () => {
    const s = await h.newScenario();
    const run = (await h.pipeline.control.generate(s.id, 'test')) as { id: string };
    await h.waitFor(s.id, ['implementing']);
    let sessionId = '';
    for (let i = 0; i < 100 && !sessionId; i++) {
      const live = (await listInteractions(h.db.sql, run.id)).find(
        (x) => x.promptTemplate === 'implement' && x.status === 'running',
      );
      if (live && findSessionProcesses(live.sessionId).length) sessionId = live.sessionId;
      else await new Promise((r) => setTimeout(r, 200));
    }
    expect(sessionId).not.toBe('');
    const t0 = Date.now();
    await h.pipeline.control.cancelRun(run.id, 'test');
    while (findSessionProcesses(sessionId).length && Date.now() - t0 < 10_000)
      await new Promise((r) => setTimeout(r, 50));
    const stoppedMs = Date.now() - t0;
    expect(findSessionProcesses(sessionId)).toEqual([]);
    expect(stoppedMs).toBeLessThan(5000);
    expect((await getRun(h.db.sql, run.id)).status).toBe('cancelled');
    expect((await h.waitFor(s.id, ['cancelled'])).status).toBe('cancelled');
    // The session is recorded as cancelled, and nothing runs after it.
    for (let i = 0; i < 50; i++) {
      const it = (await listInteractions(h.db.sql, run.id)).find((x) => x.sessionId === sessionId);
      if (it?.status === 'finished') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const interactions = await listInteractions(h.db.sql, run.id);
    expect(interactions.find((x) => x.sessionId === sessionId)?.outcome).toBe('cancelled');
    expect(interactions.at(-1)!.sessionId).toBe(sessionId);
    console.log(`agent process tree stopped ${stoppedMs} ms after cancel`);
  }, 120_000);
});
