import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listInteractions } from '../../db/interactions.ts';
import { getRun } from '../../db/runs.ts';
import { text, write } from '../../runner/model-double/script.ts';
import { createPipelineHarness, type PipelineHarness } from './harness.ts';

/**
 * The CLI's "success" is not the pipeline's: a fix session whose writes were all refused, or
 * that changed nothing, did not do its job; the run says so instead of looping or deploying.
 */
const cases = [
  {
    name: 'a fix whose every write is refused is writes_refused',
    fix: [write('/srv/not-the-workspace.sql', 'CREATE TABLE x ();'), text('Fixed.')],
    cls: 'writes_refused',
  },
  {
    name: 'a fix that changes nothing is no_change',
    fix: [text('It looks fine to me.')],
    cls: 'no_change',
  },
] as const;

for (const c of cases) {
  describe(`pipeline: ${c.name}`, () => {
    let h: PipelineHarness;
    beforeAll(async () => {
      h = await createPipelineHarness({
        scriptOptions: {
          brokenImplementations: 1,
          intercept: (task, ctx) =>
            task === 'fix' ? (c.fix[ctx.position] ?? text('done')) : undefined,
        },
      });
    });
    afterAll(() => h.close());

    it('fails the run with that class and records it on the session', async () => {
      const s = await h.newScenario();
      const run = (await h.pipeline.control.generate(s.id, 'test')) as { id: string };
      const done = await h.waitFor(s.id, ['deployed', 'failed', 'cancelled']);
      expect(done.status).toBe('failed');
      expect((await getRun(h.db.sql, run.id)).failureClass).toBe(c.cls);
      const fixes = (await listInteractions(h.db.sql, run.id)).filter(
        (i) => i.promptTemplate === 'fix-validation',
      );
      expect(fixes.map((f) => f.outcome)).toEqual([c.cls]);
    }, 180_000);
  });
}
