import { parseConfig } from '../../../core/config.ts';
import { InngestTestEngine } from '@inngest/test';
import type { InngestFunction } from 'inngest';
import * as v from 'valibot';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../core/log.ts';
import type { AnyFunctionSpec, FunctionSpec } from '../../spec.ts';
import { createInngestClient, DEFAULT_DEV_SERVER_URL, inngestServed } from './client.ts';
import { inngestOptions, toInngestFunctions } from './function.ts';
import { startFakeInngest, type FakeInngest } from './testing/fake-inngest.ts';

/**
 * The adapter itself: how a spec's handler sees Inngest's step tools, and how the spec's settings
 * become Inngest options. Toy specs keep each mapping visible; stages.test.ts runs the real ones.
 */
const quiet = createLogger('error', [], () => {});
type StepMock = { mock: { calls: unknown[][] } };
const calls = (ctx: { step: Record<string, unknown> }, tool: string) =>
  (ctx.step[tool] as StepMock).mock.calls;

const child: FunctionSpec<{ n: number }, { doubled: number }> = {
  id: 'child',
  name: 'Child',
  trigger: { event: 'test/child' },
  schema: v.object({ n: v.number() }),
  retries: 0,
  async handler({ event }) {
    return { doubled: event.data.n * 2 };
  },
};

const seen: Array<{ runId: string; attempt: number; when: unknown }> = [];
const parent: FunctionSpec<{ runId: string }, unknown> = {
  id: 'parent',
  name: 'Parent',
  trigger: { event: 'test/parent' },
  schema: v.object({ runId: v.string() }),
  retries: 3,
  async handler({ event, step, runId, attempt }) {
    const when = await step.run('clock', () => ({
      at: new Date('2026-11-01T00:00:00Z'),
      missing: undefined,
    }));
    seen.push({ runId, attempt, when });
    await step.sleep('nap', '1m30s');
    await step.sleepUntil('alarm', '2026-11-02T00:00:00.000Z');
    await step.sendEvent('tell', {
      name: 'test/told',
      data: { runId: event.data.runId },
      id: `told-${event.data.runId}`,
    });
    const r = await step.invoke('ask-child', { function: child, data: { n: 21 } });
    return { ...r, when };
  },
};

describe('toInngestFunction: the spec handler on Inngest step tools', () => {
  // step.sendEvent really sends: a fake server takes the events.
  let fake: FakeInngest;
  let parentFn: InngestFunction.Any | undefined;
  let childFn: InngestFunction.Any | undefined;
  beforeAll(async () => {
    fake = await startFakeInngest();
    [parentFn, childFn] = toInngestFunctions(
      createInngestClient(
        { INNGEST_DEV: { dev: true }, INNGEST_BASE_URL: fake.url },
        { log: quiet },
      ),
      [parent, child] as AnyFunctionSpec[],
    );
  });
  afterAll(() => fake?.close());

  it('maps run, sleep, sleepUntil, sendEvent and invoke onto Inngest with the same ids', async () => {
    const t = new InngestTestEngine({
      function: parentFn!,
      steps: [
        { id: 'nap', handler: () => null },
        { id: 'alarm', handler: () => null },
        { id: 'ask-child', handler: () => ({ doubled: 42 }) },
      ],
    });
    const { result, error, ctx } = await t.execute({
      events: [{ name: 'test/parent', data: { runId: 'r-1' } }],
    });
    expect(error).toBeUndefined();
    // JSON semantics, as under the local executor: Dates become strings, undefined disappears.
    expect(result).toEqual({ doubled: 42, when: { at: '2026-11-01T00:00:00.000Z' } });
    expect(calls(ctx, 'run').map((c) => c[0])).toEqual(['clock']);
    // Our duration strings reach Inngest as milliseconds.
    expect(calls(ctx, 'sleep').map((c) => c.slice(0, 2))).toEqual([['nap', 90_000]]);
    expect(calls(ctx, 'sleepUntil').map((c) => c.slice(0, 2))).toEqual([
      ['alarm', '2026-11-02T00:00:00.000Z'],
    ]);
    expect(calls(ctx, 'sendEvent').map((c) => c.slice(0, 2))).toEqual([
      ['tell', [{ name: 'test/told', data: { runId: 'r-1' }, id: 'told-r-1' }]],
    ]);
    expect(fake.events().flatMap((e) => e.events)).toEqual([
      expect.objectContaining({ name: 'test/told', data: { runId: 'r-1' }, id: 'told-r-1' }),
    ]);
    const [invoke] = calls(ctx, 'invoke');
    expect(invoke![0]).toBe('ask-child');
    expect(invoke![1]).toEqual({ function: childFn, data: { n: 21 } });
    expect(seen.at(-1)).toMatchObject({ runId: expect.any(String), attempt: 0 });
  });

  it('runs the invoked child with its own (validated) data', async () => {
    const t = new InngestTestEngine({ function: childFn! });
    expect(
      (
        await t.execute({
          events: [
            { name: 'inngest/function.invoked', data: { n: 4, _inngest: { source: 'invoke' } } },
          ],
        })
      ).result,
    ).toEqual({ doubled: 8 });
    const bad = await t.execute({
      events: [{ name: 'inngest/function.invoked', data: { n: 'four' } }],
    });
    expect(bad.error).toMatchObject({
      name: 'NonRetriableError',
      message: expect.stringContaining('Invalid data for child'),
    });
  });

  it('invoking a spec that is not served fails the run without a retry', async () => {
    const lonely: FunctionSpec<{ runId: string }, unknown> = {
      ...parent,
      id: 'lonely',
      async handler({ step }) {
        return step.invoke('ask', { function: child, data: { n: 1 } });
      },
    };
    const [fn] = toInngestFunctions(
      createInngestClient(
        { INNGEST_DEV: { dev: true }, INNGEST_BASE_URL: fake.url },
        { log: quiet },
      ),
      [lonely as AnyFunctionSpec],
    );
    const { error } = await new InngestTestEngine({ function: fn! }).execute({
      events: [{ name: 'test/parent', data: { runId: 'r' } }],
    });
    expect(error).toMatchObject({
      name: 'NonRetriableError',
      message: 'Function child is not served to Inngest',
    });
  });
});

describe('inngestOptions: the spec settings Inngest accepts', () => {
  it('maps concurrency, retries, cancelOn and the trigger', () => {
    const spec = {
      ...parent,
      concurrency: [{ limit: 4 }, { limit: 1, key: 'event.data.campaignId' }],
      cancelOn: [{ event: 'test/cancel', matchField: 'runId' }],
    } as AnyFunctionSpec;
    expect(inngestOptions(spec)).toEqual({
      id: 'parent',
      name: 'Parent',
      triggers: [{ event: 'test/parent' }],
      retries: 3,
      concurrency: [{ limit: 4 }, { limit: 1, key: 'event.data.campaignId' }],
      cancelOn: [{ event: 'test/cancel', if: 'async.data.runId == event.data.runId' }],
    });
    expect(
      inngestOptions({ ...parent, concurrency: [{ limit: 2 }] } as AnyFunctionSpec).concurrency,
    ).toEqual({ limit: 2 });
  });

  it('refuses what Inngest cannot honour instead of registering something else', () => {
    expect(() => inngestOptions({ ...parent, retries: 21 } as AnyFunctionSpec)).toThrow(
      /retries must be an integer from 0 to 20/,
    );
    expect(() =>
      inngestOptions({
        ...parent,
        concurrency: [
          { limit: 1 },
          { limit: 1, key: 'event.data.a' },
          { limit: 1, key: 'event.data.b' },
        ],
      } as AnyFunctionSpec),
    ).toThrow(/at most 2 concurrency rules/);
    expect(() =>
      toInngestFunctions(createInngestClient({ INNGEST_DEV: { dev: true } }), [
        child,
        child,
      ] as AnyFunctionSpec[]),
    ).toThrow(/Duplicate function id child/);
  });
});

describe('createInngestClient: only the parsed settings decide where it talks', () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const k of [
      'INNGEST_DEV',
      'INNGEST_BASE_URL',
      'INNGEST_API_BASE_URL',
      'INNGEST_EVENT_API_BASE_URL',
    ]) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  });

  it('INNGEST_DEV=1 talks to the local dev server, a URL to that server', () => {
    process.env.INNGEST_BASE_URL = 'http://elsewhere.invalid:1';
    process.env.INNGEST_API_BASE_URL = 'http://elsewhere.invalid:2';
    const dev = createInngestClient({ INNGEST_DEV: { dev: true } });
    expect([dev.mode, dev.apiBaseUrl, dev.eventBaseUrl]).toEqual([
      'dev',
      DEFAULT_DEV_SERVER_URL,
      DEFAULT_DEV_SERVER_URL,
    ]);
    const url = createInngestClient({ INNGEST_DEV: { dev: true, url: 'http://127.0.0.1:18288' } });
    expect([url.mode, url.apiBaseUrl]).toEqual(['dev', 'http://127.0.0.1:18288']);
  });

  it('INNGEST_BASE_URL alone is a signed server and needs both keys', () => {
    process.env.INNGEST_DEV = '1';
    const signed = createInngestClient({
      INNGEST_BASE_URL: 'http://inngest.internal:8288',
      INNGEST_SIGNING_KEY: 'signkey-prod-abc123',
      INNGEST_EVENT_KEY: 'evkey',
    });
    expect([signed.mode, signed.apiBaseUrl, signed.eventKey, signed.signingKey]).toEqual([
      'cloud',
      'http://inngest.internal:8288',
      'evkey',
      'signkey-prod-abc123',
    ]);
    expect(() => createInngestClient({ INNGEST_BASE_URL: 'http://inngest.internal:8288' })).toThrow(
      /INNGEST_SIGNING_KEY and INNGEST_EVENT_KEY/,
    );
  });

  it('refuses dev mode (unsigned calls) on a server reachable from other machines', () => {
    expect(() =>
      createInngestClient({ INNGEST_DEV: { dev: true }, HOST: '0.0.0.0', loopback: false }),
    ).toThrow(/needs a loopback HOST/);
    expect(
      createInngestClient({ INNGEST_DEV: { dev: true }, HOST: '127.0.0.1', loopback: true }).mode,
    ).toBe('dev');
    expect(
      createInngestClient({
        INNGEST_BASE_URL: 'http://inngest.internal:8288',
        INNGEST_SIGNING_KEY: 'signkey-prod-abc123',
        INNGEST_EVENT_KEY: 'evkey',
        loopback: false,
      }).mode,
    ).toBe('cloud');
  });

  it('says when served mode is on', () => {
    expect(inngestServed({})).toBe(false);
    expect(inngestServed(parseConfig({ INNGEST_DEV: '0' }))).toBe(false);
    expect(inngestServed(parseConfig({ INNGEST_DEV: 'true' }))).toBe(true);
    expect(parseConfig({ INNGEST_DEV: 'http://127.0.0.1:18288/' }).INNGEST_DEV).toEqual({
      dev: true,
      url: 'http://127.0.0.1:18288',
    });
    expect(inngestServed({ INNGEST_BASE_URL: 'http://inngest.internal:8288' })).toBe(true);
    expect(() => parseConfig({ INNGEST_DEV: 'sometimes' })).toThrow(/INNGEST_DEV/);
  });
});
