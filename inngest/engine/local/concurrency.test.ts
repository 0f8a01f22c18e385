import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { harness, pause, spec, type Harness } from './testing/harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await harness();
});
afterAll(() => h.close());

/** Counts handlers inside a step at once, overall and per key, and the order they entered. */
function meter() {
  const m = {
    inside: new Map<string, number>(),
    max: new Map<string, number>(),
    order: [] as string[],
  };
  const bump = (k: string, d: number): void => {
    const n = (m.inside.get(k) ?? 0) + d;
    m.inside.set(k, n);
    m.max.set(k, Math.max(m.max.get(k) ?? 0, n));
  };
  return {
    m,
    async work(key: string, label: string): Promise<void> {
      bump('*', 1);
      bump(key, 1);
      m.order.push(label);
      await pause(80);
      bump('*', -1);
      bump(key, -1);
    },
  };
}

describe('concurrency', () => {
  it('a function limit: never more than N inside a step, FIFO', async () => {
    const { m, work } = meter();
    const fn = spec(
      'limited',
      async ({ event, step }) => step.run('work', () => work('all', String(event.data.n))),
      {
        concurrency: [{ limit: 2 }],
      },
    );
    const ex = h.executor({ functions: [fn] });
    for (let n = 0; n < 6; n++) await ex.send({ name: 'test/limited', data: { n } });
    await ex.start();
    for (const r of await ex.listRuns({ functionId: 'limited' })) await ex.waitForRun(r.id);
    expect(m.max.get('*')).toBe(2);
    expect(m.order).toEqual(['0', '1', '2', '3', '4', '5']);
    await ex.stop();
  });

  it('a keyed limit: one per key at a time, keys in parallel, FIFO within a key', async () => {
    const { m, work } = meter();
    const fn = spec(
      'keyed',
      async ({ event, step }) =>
        step.run('work', () => work(String(event.data.k), `${event.data.k}${event.data.n}`)),
      {
        concurrency: [{ limit: 1, key: 'event.data.k' }],
      },
    );
    const ex = h.executor({ functions: [fn] });
    const ks = ['a', 'b', 'a', 'b', 'a', 'b'];
    for (const [n, k] of ks.entries()) await ex.send({ name: 'test/keyed', data: { k, n } });
    await ex.start();
    for (const r of await ex.listRuns({ functionId: 'keyed' })) await ex.waitForRun(r.id);
    expect(m.max.get('a')).toBe(1);
    expect(m.max.get('b')).toBe(1);
    expect(m.max.get('*')).toBe(2);
    expect(m.order.filter((l) => l.startsWith('a'))).toEqual(['a0', 'a2', 'a4']);
    expect(m.order.filter((l) => l.startsWith('b'))).toEqual(['b1', 'b3', 'b5']);
    await ex.stop();
  });

  it("the executor's global cap spans functions", async () => {
    const { m, work } = meter();
    const f1 = spec('g1', async ({ step }) => step.run('w', () => work('g', 'g1')));
    const f2 = spec('g2', async ({ step }) => step.run('w', () => work('g', 'g2')));
    const ex = h.executor({ functions: [f1, f2], concurrency: { global: 1 } });
    await ex.start();
    const runs = [];
    for (let i = 0; i < 2; i++) runs.push(await h.run(ex, 'test/g1'), await h.run(ex, 'test/g2'));
    for (const r of runs) expect((await ex.waitForRun(r.id)).status).toBe('completed');
    expect(m.max.get('*')).toBe(1);
    expect(m.order).toEqual(['g1', 'g2', 'g1', 'g2']);
    await ex.stop();
  });
});
