import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NonRetriableError, RetryAfterError } from '../../errors.ts';
import { harness, spec, type Harness } from './testing/harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await harness();
});
afterAll(() => h.close());

describe('step.run', () => {
  it('memoises results: on replay completed steps return their saved JSON and never run again', async () => {
    const calls = { body: 0, a: 0, b: 0, x: 0 };
    const seen: unknown[] = [];
    const fn = spec('memo', async ({ step }) => {
      calls.body++;
      const a = await step.run('a', () => (calls.a++, { at: new Date(0), skip: undefined, n: 1 }));
      seen.push(a);
      const u = await step.run('u', () => undefined);
      for (let i = 0; i < 3; i++) await step.run('x', () => ++calls.x);
      await step.sleep('nap', 20);
      const b = await step.run('b', () => (calls.b++, 'b'));
      return { a, u, b };
    });
    const ex = h.executor({ functions: [fn] });
    await ex.start();
    const run = await h.run(ex, 'test/memo');
    const done = await ex.waitForRun(run.id, 10_000);
    expect(done.status).toBe('completed');
    expect(done.result).toEqual({ a: { at: '1970-01-01T00:00:00.000Z', n: 1 }, u: null, b: 'b' });
    // The handler ran twice (before and after the sleep), each step once.
    expect(calls).toEqual({ body: 2, a: 1, b: 1, x: 3 });
    // The first execution already sees the JSON round-tripped value, like a replay would.
    expect(seen).toEqual([
      { at: '1970-01-01T00:00:00.000Z', n: 1 },
      { at: '1970-01-01T00:00:00.000Z', n: 1 },
    ]);
    const keys = await h.db.sql<{ step_key: string; status: string }[]>`
      SELECT step_key, status FROM executor_steps WHERE run_id = ${run.id} ORDER BY started_at, step_key`;
    expect(keys.map((k) => k.step_key)).toEqual(['a', 'u', 'x', 'x:1', 'x:2', 'nap', 'b']);
    expect(keys.every((k) => k.status === 'completed')).toBe(true);
    await ex.stop();
  });
});

describe('retries', () => {
  it('retries a failing step with back-off, exposing the attempt number, then continues', async () => {
    const attempts: number[] = [];
    const times: number[] = [];
    const backoffs: number[] = [];
    const fn = spec(
      'flaky',
      async (ctx) => {
        const v = await ctx.step.run('flaky', () => {
          attempts.push(ctx.attempt);
          times.push(Date.now());
          if (attempts.length < 3) throw new Error(`boom ${attempts.length}`);
          return 'ok';
        });
        return { v, after: ctx.attempt };
      },
      { retries: 2 },
    );
    const ex = h.executor({ functions: [fn], retryBackoff: (n) => (backoffs.push(n), 60) });
    await ex.start();
    const run = await h.run(ex, 'test/flaky');
    const done = await ex.waitForRun(run.id);
    expect(done.status).toBe('completed');
    expect(done.result).toEqual({ v: 'ok', after: 0 });
    expect(attempts).toEqual([0, 1, 2]);
    expect(backoffs).toEqual([1, 2]);
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(55);
    expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(55);
    const [row] = await h.db.sql<{ attempts: number; status: string }[]>`
      SELECT attempts, status FROM executor_steps WHERE run_id = ${run.id} AND step_key = 'flaky'`;
    expect(row).toEqual({ attempts: 2, status: 'completed' });
    await ex.stop();
  });

  it('honours RetryAfterError over the back-off', async () => {
    const times: number[] = [];
    const fn = spec(
      'later',
      async ({ step }) =>
        step.run('s', () => {
          times.push(Date.now());
          if (times.length === 1) throw new RetryAfterError('busy', new Date(Date.now() + 300));
          return times.length;
        }),
      { retries: 1 },
    );
    const ex = h.executor({ functions: [fn], retryBackoff: () => 0 });
    await ex.start();
    const done = await ex.waitForRun((await h.run(ex, 'test/later')).id);
    expect(done.result).toBe(2);
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(250);
    await ex.stop();
  });

  it('fails at once on NonRetriableError, and runs onFailure with its own memoised steps', async () => {
    let calls = 0;
    const failures: { message: string; runId: string; data: unknown }[] = [];
    let failureSteps = 0;
    const fn = spec(
      'doomed',
      async ({ step }) => {
        await step.run('s', () => {
          calls++;
          throw new NonRetriableError('bad input');
        });
      },
      {
        retries: 5,
        onFailure: async ({ error, runId, event, step }) => {
          await step.run('record', () => {
            failureSteps++;
            failures.push({ message: error.message, runId, data: event.data });
          });
          await step.sleep('nap', 10); // replays the failure handler: 'record' must not run again
        },
      },
    );
    const ex = h.executor({ functions: [fn] });
    await ex.start();
    const run = await h.run(ex, 'test/doomed', { k: 1 });
    const done = await ex.waitForRun(run.id);
    expect(done.status).toBe('failed');
    expect(done.error).toMatchObject({ name: 'NonRetriableError', message: 'bad input' });
    expect(calls).toBe(1);
    const [failureRun] = await ex.listRuns({ parentRunId: run.id });
    expect(failureRun?.kind).toBe('failure');
    expect((await ex.waitForRun(failureRun!.id)).status).toBe('completed');
    expect(failures).toEqual([{ message: 'bad input', runId: run.id, data: { k: 1 } }]);
    expect(failureSteps).toBe(1);
    await ex.stop();
  });

  it('fails the run when retries are exhausted; a handler may catch a failed step instead', async () => {
    let calls = 0;
    const always = spec(
      'always',
      async ({ step }) =>
        step.run('s', () => {
          calls++;
          throw new Error('nope');
        }),
      { retries: 2 },
    );
    const caught = spec(
      'caught',
      async ({ step }) => {
        try {
          await step.run('s', () => {
            throw new Error('first');
          });
          return 'unreachable';
        } catch (e) {
          return `recovered from ${(e as Error).message}`;
        }
      },
      { retries: 1 },
    );
    const ex = h.executor({ functions: [always, caught] });
    await ex.start();
    const a = await ex.waitForRun((await h.run(ex, 'test/always')).id);
    expect(a.status).toBe('failed');
    expect(a.error?.message).toBe('nope');
    expect(calls).toBe(3);
    const c = await ex.waitForRun((await h.run(ex, 'test/caught')).id);
    expect(c).toMatchObject({ status: 'completed', result: 'recovered from first' });
    await ex.stop();
  });
});
