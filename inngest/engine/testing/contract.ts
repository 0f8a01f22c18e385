import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { failureClassOf, RunFailure } from '../../errors.ts';
import type { AnyFunctionSpec, FailureContext, FunctionSpec } from '../../spec.ts';

/**
 * The engine contract: the semantics every stage relies on, checked on both engines — the local
 * executor and the Inngest adapter (through @inngest/test) — like the store and bus contracts.
 * A harness runs a spec on an event until it is finished and says how it ended.
 */
export interface Finished {
  status: 'completed' | 'failed';
  result?: unknown;
  /** The run's error, as the engine hands it on (failure class readable with failureClassOf). */
  error?: Error;
}

export interface EngineHarness {
  /** Runs `entry` on `data` to the end; `specs` are all the functions it may invoke. */
  run(
    specs: AnyFunctionSpec[],
    entry: AnyFunctionSpec,
    data: Record<string, unknown>,
  ): Promise<Finished>;
  /** Runs `entry`'s failure handler as the engine does after it failed for good with `error`. */
  fail(
    specs: AnyFunctionSpec[],
    entry: AnyFunctionSpec,
    data: Record<string, unknown>,
    error: Error,
  ): Promise<void>;
  close(): Promise<void>;
}

const Data = v.record(v.string(), v.unknown());

function spec(
  id: string,
  handler: FunctionSpec<Record<string, unknown>, unknown>['handler'],
  extra: Partial<FunctionSpec<Record<string, unknown>, unknown>> = {},
): AnyFunctionSpec {
  return {
    id,
    name: id,
    trigger: { event: `contract/${id}` },
    schema: Data,
    retries: 2,
    handler,
    ...extra,
  } as AnyFunctionSpec;
}

/** Registers the contract's tests for one engine. */
export function engineContract(name: string, make: () => Promise<EngineHarness>): void {
  describe(`engine contract: ${name}`, { timeout: 60_000 }, () => {
    it('memoises steps: each step body runs once, its JSON result is what later code sees', async () => {
      const h = await make();
      try {
        const calls = { a: 0, b: 0 };
        const fn = spec('memo', async ({ step, event }) => {
          const a = await step.run('a', () => {
            calls.a++;
            return { at: new Date('2026-01-01T00:00:00Z'), n: Number(event.data.n) };
          });
          const b = await step.run('b', () => {
            calls.b++;
            return a.n + 1;
          });
          return { a, b };
        });
        const r = await h.run([fn], fn, { n: 41 });
        expect(r.status).toBe('completed');
        expect(r.result).toEqual({ a: { at: '2026-01-01T00:00:00.000Z', n: 41 }, b: 42 });
        expect(calls).toEqual({ a: 1, b: 1 });
      } finally {
        await h.close();
      }
    });

    it('retries a step that throws, without repeating the steps before it', async () => {
      const h = await make();
      try {
        const calls = { before: 0, flaky: 0 };
        const fn = spec('retry', async ({ step }) => {
          await step.run('before', () => ++calls.before);
          return step.run('flaky', () => {
            if (++calls.flaky === 1) throw new Error('transient');
            return 'ok';
          });
        });
        const r = await h.run([fn], fn, {});
        expect(r).toMatchObject({ status: 'completed', result: 'ok' });
        expect(calls).toEqual({ before: 1, flaky: 2 });
      } finally {
        await h.close();
      }
    });

    it('does not retry a non-retriable failure, and keeps its failure class', async () => {
      const h = await make();
      try {
        let calls = 0;
        const fn = spec('permanent', async ({ step }) =>
          step.run('spend', () => {
            calls++;
            throw new RunFailure('budget_exceeded', 'the session hit its cost cap');
          }),
        );
        const r = await h.run([fn], fn, {});
        expect(r.status).toBe('failed');
        expect(calls).toBe(1);
        expect(failureClassOf(r.error)).toBe('budget_exceeded');
        expect(r.error?.message).toContain('the session hit its cost cap');
      } finally {
        await h.close();
      }
    });

    it('sleeps durably and carries on after the sleep', async () => {
      const h = await make();
      try {
        const fn = spec('sleeper', async ({ step }) => {
          const before = await step.run('before', () => 'slept');
          await step.sleep('nap', '50ms');
          await step.sleepUntil('alarm', new Date(Date.now() + 50));
          return step.run('after', () => `${before} twice`);
        });
        expect(await h.run([fn], fn, {})).toMatchObject({
          status: 'completed',
          result: 'slept twice',
        });
      } finally {
        await h.close();
      }
    });

    it('invokes another function and returns its result; the child validates its data', async () => {
      const h = await make();
      try {
        const child = spec(
          'child',
          async ({ event }) => ({ doubled: (event.data as { n: number }).n * 2 }),
          { schema: v.object({ n: v.number() }) as never },
        );
        const parent = spec('parent', async ({ step }) =>
          step.invoke('ask', { function: child, data: { n: 21 } }),
        );
        expect(await h.run([parent, child], parent, {})).toMatchObject({
          status: 'completed',
          result: { doubled: 42 },
        });
      } finally {
        await h.close();
      }
    });

    it('gives every handler a live cancellation signal', async () => {
      const h = await make();
      try {
        const fn = spec('signal', async ({ signal }) => ({
          isSignal: signal instanceof AbortSignal,
          aborted: signal.aborted,
        }));
        expect(await h.run([fn], fn, {})).toMatchObject({
          result: { isSignal: true, aborted: false },
        });
      } finally {
        await h.close();
      }
    });

    it('runs the failure handler with the original event and the failure class', async () => {
      const h = await make();
      try {
        const seen: Array<{ data: unknown; cls: string }> = [];
        const fn = spec(
          'failing',
          async () => {
            throw new RunFailure('not_authenticated', 'login refused');
          },
          {
            async onFailure({ event, error, step }: FailureContext<Record<string, unknown>>) {
              await step.run('record', () => {
                seen.push({ data: event.data, cls: failureClassOf(error) });
                return null;
              });
            },
          },
        );
        const r = await h.run([fn], fn, { runId: 'r-1' });
        expect(r.status).toBe('failed');
        await h.fail([fn], fn, { runId: 'r-1' }, r.error!);
        expect(seen).toEqual([{ data: { runId: 'r-1' }, cls: 'not_authenticated' }]);
      } finally {
        await h.close();
      }
    });
  });
}
