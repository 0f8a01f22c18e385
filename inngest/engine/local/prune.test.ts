import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pruneFinished } from '../../../db/executor.ts';
import { harness, spec, type Harness } from './testing/harness.ts';

/** Finished executor rows go after the retention period; unfinished ones never do. */
let h: Harness;
beforeAll(async () => {
  h = await harness();
});
afterAll(() => h.close());

describe('pruning the local executor tables', () => {
  it('deletes finished runs, their steps and their events older than the cut-off, and nothing else', async () => {
    const done = spec('done', async ({ step }) => step.run('one', () => 1));
    const ex = h.executor({ functions: [done] });
    await ex.start();
    const old = await h.run(ex, 'test/done');
    await ex.waitForRun(old.id);
    const fresh = await h.run(ex, 'test/done');
    await ex.waitForRun(fresh.id);
    await h.db
      .sql`UPDATE executor_runs SET finished_at = now() - interval '8 days' WHERE id = ${old.id}`;
    await h.db
      .sql`UPDATE executor_events SET received_at = now() - interval '8 days' WHERE id = ${old.event.id}`;
    const n = await pruneFinished(h.db.sql, new Date(Date.now() - 7 * 86_400_000));
    expect(n).toEqual({ runs: 1, events: 1 });
    expect(await ex.getRun(old.id)).toBeUndefined();
    expect((await ex.getRun(fresh.id))?.status).toBe('completed');
    const [{ steps } = { steps: -1 }] = await h.db.sql<{ steps: number }[]>`
      SELECT count(*)::int AS steps FROM executor_steps WHERE run_id = ${old.id}`;
    expect(steps).toBe(0);
  });
});
