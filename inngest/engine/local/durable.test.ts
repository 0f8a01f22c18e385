import * as v from 'valibot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NonRetriableError } from '../../errors.ts';
import type { FunctionSpec } from '../../spec.ts';
import { deferred, harness, pause, spec, until, type Harness } from './testing/harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await harness();
});
afterAll(() => h.close());

describe('durable sleep', () => {
  it('survives an executor restart and wakes at the time set before it, not from zero', async () => {
    const ran = { a: 0, b: 0, bAt: 0 };
    const fn = spec('nap', async ({ step }) => {
      await step.run('a', () => ran.a++);
      await step.sleep('nap', '800ms');
      await step.run('b', () => {
        ran.b++;
        ran.bAt = Date.now();
      });
    });
    const first = h.executor({ functions: [fn] });
    await first.start();
    const run = await h.run(first, 'test/nap');
    const sleeping = await until(async () => {
      const r = await first.getRun(run.id);
      return r?.status === 'sleeping' && r;
    });
    const wakeAt = sleeping.wakeAt!.getTime();
    await first.stop();
    await pause(300);
    const second = h.executor({ functions: [fn] });
    const restartAt = Date.now();
    await second.start();
    const done = await second.waitForRun(run.id);
    expect(done.status).toBe('completed');
    expect(ran.a).toBe(1);
    expect(ran.b).toBe(1);
    expect(ran.bAt).toBeGreaterThanOrEqual(wakeAt);
    // A sleep restarted from zero would end ≥ 800 ms after the restart.
    expect(ran.bAt - restartAt).toBeLessThan(750);
    await second.stop();
  });

  it('sleepUntil waits for the given time; a time in the past does not pause', async () => {
    const target = new Date(Date.now() + 400);
    let at = 0;
    const fn = spec('until', async ({ step }) => {
      await step.sleepUntil('past', new Date(0));
      await step.sleepUntil('later', target.toISOString());
      at = await step.run('t', () => Date.now());
    });
    const ex = h.executor({ functions: [fn] });
    await ex.start();
    const run = await h.run(ex, 'test/until');
    expect((await ex.waitForRun(run.id)).status).toBe('completed');
    expect(at).toBeGreaterThanOrEqual(target.getTime());
    const rows = await h.db.sql<{ step_key: string; status: string }[]>`
      SELECT step_key, status FROM executor_steps WHERE run_id = ${run.id} ORDER BY step_key`;
    expect(rows).toEqual([
      { step_key: 'later', status: 'completed' },
      { step_key: 'past', status: 'completed' },
      { step_key: 't', status: 'completed' },
    ]);
    await ex.stop();
  });
});

describe('stop', () => {
  it('lets the step in flight finish, starts no further step, leaves the run resumable', async () => {
    const inStep = deferred();
    const release = deferred();
    const ran = { a: 0, b: 0 };
    const fn = spec('stoppable', async ({ step }) => {
      await step.run('a', async () => {
        ran.a++;
        inStep.resolve();
        await release.promise;
      });
      await step.run('b', () => ran.b++);
      return 'ok';
    });
    const first = h.executor({ functions: [fn] });
    await first.start();
    const run = await h.run(first, 'test/stoppable');
    await inStep.promise;
    const stopped = first.stop({ timeoutMs: 5000 });
    await pause(50);
    release.resolve();
    await stopped;
    expect(await first.getRun(run.id)).toMatchObject({ status: 'queued', error: null });
    expect(ran).toEqual({ a: 1, b: 0 });
    const second = h.executor({ functions: [fn] });
    await second.start();
    expect(await second.waitForRun(run.id)).toMatchObject({ status: 'completed', result: 'ok' });
    expect(ran).toEqual({ a: 1, b: 1 });
    await second.stop();
  });
});

describe('invoke and sendEvent', () => {
  it('invokes a child run and resumes the parent with its result or its error', async () => {
    const double: FunctionSpec<{ n: number }, number> = {
      id: 'double',
      name: 'double',
      trigger: { event: 'test/double' },
      schema: v.object({ n: v.number() }),
      retries: 0,
      handler: async ({ event, step }) => {
        if (event.data.n < 0) throw new NonRetriableError('negative');
        return step.run('x2', () => event.data.n * 2);
      },
    };
    let parentBodies = 0;
    const parent = spec('parent', async ({ step }) => {
      parentBodies++;
      const four = await step.invoke('ok', { function: double, data: { n: 2 } });
      let err = '';
      try {
        await step.invoke('bad', { function: double, data: { n: -1 } });
      } catch (e) {
        err = (e as Error).message;
      }
      try {
        await step.invoke('invalid', {
          function: double,
          data: { n: 'x' } as unknown as { n: number },
        });
      } catch (e) {
        err += ` | ${(e as Error).name}`;
      }
      return { four, err };
    });
    // A global cap of 1: the waiting parent must release its slot or the child could never run.
    const ex = h.executor({ functions: [double, parent], concurrency: { global: 1 } });
    await ex.start();
    const run = await h.run(ex, 'test/parent');
    const done = await ex.waitForRun(run.id);
    expect(done).toMatchObject({
      status: 'completed',
      result: { four: 4, err: 'negative | NonRetriableError' },
    });
    const children = await ex.listRuns({ parentRunId: run.id });
    expect(children.map((c) => [c.functionId, c.parentStepKey, c.status])).toEqual([
      ['double', 'ok', 'completed'],
      ['double', 'bad', 'failed'],
    ]);
    expect(parentBodies).toBe(3); // first run, then once after each child
    await ex.stop();
  });

  it('sendEvent is memoised: the triggered function runs once although the sender replays', async () => {
    const received: unknown[] = [];
    const sender = spec('sender', async ({ step }) => {
      await step.sendEvent('emit', { name: 'test/receiver', data: { x: 1 } });
      await step.sleep('nap', 20);
      await step.sendEvent('emit', [{ name: 'test/receiver', data: { x: 2 } }]);
    });
    const receiver = spec('receiver', async ({ event }) => {
      received.push(event.data);
    });
    const ex = h.executor({ functions: [sender, receiver] });
    await ex.start();
    const run = await h.run(ex, 'test/sender');
    expect((await ex.waitForRun(run.id)).status).toBe('completed');
    const runs = await until(async () => {
      const r = await ex.listRuns({ functionId: 'receiver' });
      return r.length === 2 && r.every((x) => x.status === 'completed') && r;
    });
    expect(runs.map((r) => r.event.id)).toEqual([`${run.id}:emit:0`, `${run.id}:emit:1:0`]);
    expect(received).toEqual([{ x: 1 }, { x: 2 }]);
    await ex.stop();
  });
});
