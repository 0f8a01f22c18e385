import * as v from 'valibot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FunctionSpec } from '../../spec.ts';
import { deferred, harness, spec, until, type Harness } from './testing/harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await harness();
});
afterAll(() => h.close());

describe('events', () => {
  it('drops an event whose id was seen before', async () => {
    let runs = 0;
    const fn = spec('once', async () => void runs++);
    const ex = h.executor({ functions: [fn] });
    await ex.start();
    const first = await ex.send({ name: 'test/once', data: {}, id: 'evt-1' });
    const again = await ex.send([{ name: 'test/once', data: {}, id: 'evt-1' }]);
    expect(first.ids).toEqual(['evt-1']);
    expect(again.ids).toEqual(['evt-1']);
    const list = await ex.listRuns({ eventId: 'evt-1' });
    expect(list).toHaveLength(1);
    await ex.waitForRun(list[0]!.id);
    expect(runs).toBe(1);
    await ex.stop();
  });

  it('fails a run at once, non-retriable, when the event data does not match the schema', async () => {
    let calls = 0;
    const typed: FunctionSpec<{ n: number }, void> = {
      id: 'typed',
      name: 'typed',
      trigger: { event: 'test/typed' },
      schema: v.object({ n: v.number() }),
      retries: 3,
      handler: async () => void calls++,
    };
    const ex = h.executor({ functions: [typed] });
    await ex.start();
    const run = await h.run(ex, 'test/typed', { n: 'seven' });
    expect(run.status).toBe('failed');
    expect(run.error?.name).toBe('NonRetriableError');
    expect(run.error?.message).toMatch(/^Invalid event data: .*n/);
    expect((await ex.waitForRun(run.id, 1000)).status).toBe('failed');
    const ok = await h.run(ex, 'test/typed', { n: 7 });
    expect((await ex.waitForRun(ok.id)).status).toBe('completed');
    expect(calls).toBe(1);
    await ex.stop();
  });
});

describe('cancellation', () => {
  it('cancel(runId): status cancelled, the step in flight sees its signal abort, no further step starts', async () => {
    const inStep = deferred();
    const seen = { aborted: false, sameSignal: false, after: 0 };
    let ex!: ReturnType<Harness['executor']>;
    const fn = spec('long', async ({ step, runId, signal }) => {
      await step.run('one', () => 1);
      await step.run('agent', async () => {
        seen.sameSignal = signal === ex.signalFor(runId);
        inStep.resolve();
        await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
        seen.aborted = signal.aborted;
        throw new Error('killed');
      });
      await step.run('after', () => seen.after++);
    });
    const finished: string[] = [];
    ex = h.executor({
      functions: [fn],
      onRunFinished: (r) => finished.push(`${r.id}:${r.status}`),
    });
    await ex.start();
    const run = await h.run(ex, 'test/long');
    await inStep.promise;
    expect(await ex.cancel(run.id)).toBe(true);
    expect((await ex.waitForRun(run.id)).status).toBe('cancelled');
    await until(() => ex.signalFor(run.id) === undefined); // the execution has wound down
    expect(seen).toEqual({ aborted: true, sameSignal: true, after: 0 });
    expect(await ex.cancel(run.id)).toBe(false);
    expect(finished).toEqual([`${run.id}:cancelled`]);
    const steps = await h.db.sql<
      { step_key: string }[]
    >`SELECT step_key FROM executor_steps WHERE run_id = ${run.id}`;
    expect(steps.map((s) => s.step_key)).toEqual(['one']);
    await ex.stop();
  });

  it('cancels by event through cancelOn, matching on the data field, and cascades to invoked children', async () => {
    const release = deferred();
    const child = spec('child', async ({ step }) =>
      step.run('wait', () => release.promise.then(() => 'child done')),
    );
    const parent = spec(
      'watched',
      async ({ step }) => step.invoke('child', { function: child, data: {} }),
      {
        cancelOn: [{ event: 'test/run.cancel', matchField: 'runId' }],
      },
    );
    const ex = h.executor({ functions: [child, parent] });
    await ex.start();
    const x = await h.run(ex, 'test/watched', { runId: 'X' });
    const y = await h.run(ex, 'test/watched', { runId: 'Y' });
    const [xChild] = await until(async () => {
      const c = await ex.listRuns({ parentRunId: x.id });
      return c.length === 1 && c;
    });
    await ex.send({ name: 'test/run.cancel', data: { runId: 'X' } });
    expect((await ex.waitForRun(x.id)).status).toBe('cancelled');
    expect((await ex.waitForRun(xChild!.id)).status).toBe('cancelled');
    release.resolve();
    expect(await ex.waitForRun(y.id)).toMatchObject({ status: 'completed', result: 'child done' });
    await ex.stop();
  });
});
