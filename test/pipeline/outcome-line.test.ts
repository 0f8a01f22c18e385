import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listLogs } from '../../db/logs.ts';
import { httpError } from '../../runner/model-double/script.ts';
import { createPipelineHarness, type PipelineHarness } from './harness.ts';

/**
 * The progress line that ends a session reads the project's outcome, not the CLI's subtype: a
 * session refused for its credentials says `not_authenticated` (the CLI's own result says
 * "success" with is_error set).
 */
describe('pipeline: the end of a session is reported in outcome classes', () => {
  let h: PipelineHarness;
  beforeAll(async () => {
    h = await createPipelineHarness({
      scriptOptions: { intercept: (task) => (task === 'plan' ? httpError(401) : undefined) },
    });
  });
  afterAll(() => h.close());

  it('says not_authenticated, never success, for a refused login', async () => {
    const s = await h.newScenario();
    await h.pipeline.control.generate(s.id, 'test');
    const done = await h.waitFor(s.id, ['deployed', 'failed', 'cancelled']);
    expect(done.status).toBe('failed');
    const ends = (await listLogs(h.db.sql, s.id))
      .map((l) => l.message)
      .filter((m) => m.startsWith('session ended'));
    expect(ends.length).toBeGreaterThan(0);
    expect(ends.every((m) => m.startsWith('session ended: not_authenticated'))).toBe(true);
  }, 180_000);
});
