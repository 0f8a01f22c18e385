import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPipelineHarness, type PipelineHarness } from './harness.ts';

describe('pipeline: concurrency', () => {
  let h: PipelineHarness;
  beforeAll(async () => {
    h = await createPipelineHarness({ env: { RUN_CONCURRENCY: '2', AGENT_CONCURRENCY: '1' } });
  });
  afterAll(() => h.close());

  it('runs at most AGENT_CONCURRENCY agent sessions at once across runs, and every run completes', async () => {
    const scenarios = await Promise.all(
      [1, 2, 3].map((n) => h.newScenario({ title: `Parallel ${n}` })),
    );
    for (const s of scenarios) await h.pipeline.control.generate(s.id, 'test');
    for (const s of scenarios)
      expect((await h.waitFor(s.id, ['deployed', 'failed', 'cancelled'], 180_000)).status).toBe(
        'deployed',
      );
    const sessions = await h.db.sql<{ started_at: Date; finished_at: Date }[]>`
      SELECT started_at, finished_at FROM agent_interactions ORDER BY started_at`;
    expect(sessions.length).toBe(9);
    for (let i = 1; i < sessions.length; i++) {
      expect(sessions[i]!.started_at.getTime()).toBeGreaterThanOrEqual(
        sessions[i - 1]!.finished_at.getTime(),
      );
    }
  }, 240_000);
});
