import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../core/log.ts';
import { createRun, getRun } from '../../../db/runs.ts';
import { createApp } from '../../../functions/app.ts';
import { GENERATION_REQUESTED } from '../../events.ts';
import { createFunctions } from '../../stages/index.ts';
import { createInngestMode, type InngestSettings } from './index.ts';
import { scrubPaths } from './scrub.ts';
import { signInngest, verifyInngestSignature } from './request-signature.ts';
import { startFakeInngest, type FakeInngest } from './testing/fake-inngest.ts';
import { createStageDeps, type StageDeps } from './testing/stage-deps.ts';
import { noPipeline } from '../../../test/support/no-pipeline.ts';

/**
 * /api/inngest as the server builds it (createApp with the served handler): the host and origin
 * rules of every other route, JSON step calls, signatures whenever a signing key is set (dev mode
 * included), and no stack trace or absolute path in any answer.
 */
const ROOT = path.resolve(import.meta.dirname, '../../..');
const KEY = 'signkey-test-0123456789abcdef0123456789abcdef';
const FAILURE = '/api/inngest?fnId=scenario-generator-generate-scenario-failure&stepId=step';
const DEPLOY = '/api/inngest?fnId=scenario-generator-deploy-scenario&stepId=step';
const log = createLogger('error', [], () => {});

type Fetcher = { fetch(req: Request): Response | Promise<Response> };

describe('/api/inngest: who may call it and what it answers', () => {
  let fake: FakeInngest;
  let s: StageDeps;
  /** Dev mode without a key, dev mode with a key, and signed (self-hosted) mode. */
  let dev: Fetcher;
  let devKeyed: Fetcher;
  let signed: Fetcher;

  const appFor = (settings: InngestSettings): Fetcher => {
    const config = { ...s.config, ...settings };
    const mode = createInngestMode({ config, specs: createFunctions(s.deps), log });
    return createApp({
      config,
      sql: s.db.sql,
      store: s.store,
      bus: s.bus,
      meta: { version: 'test', demoModel: false, executor: 'inngest' },
      pipeline: noPipeline(),
      inngest: mode.handler,
    });
  };

  beforeAll(async () => {
    fake = await startFakeInngest();
    s = await createStageDeps();
    dev = appFor({ INNGEST_DEV: { dev: true }, INNGEST_BASE_URL: fake.url });
    devKeyed = appFor({
      INNGEST_DEV: { dev: true },
      INNGEST_BASE_URL: fake.url,
      INNGEST_SIGNING_KEY: KEY,
    });
    signed = appFor({
      INNGEST_DEV: undefined,
      INNGEST_BASE_URL: fake.url,
      INNGEST_SIGNING_KEY: KEY,
      INNGEST_EVENT_KEY: 'event-key-test',
    });
  });
  afterAll(async () => {
    await s?.close();
    await fake?.close();
  });

  const send = async (
    app: Fetcher,
    method: string,
    url: string,
    headers: Record<string, string>,
    body?: string,
  ) => {
    const res = await app.fetch(
      new Request(`http://127.0.0.1:3000${url}`, { method, headers, ...(body ? { body } : {}) }),
    );
    return { status: res.status, headers: res.headers, text: await res.text() };
  };
  const json = { 'content-type': 'application/json' };

  /** What Inngest sends the failure handler for a run that failed: running it fails the run. */
  async function failureCall(): Promise<{ runId: string; body: string }> {
    const scenario = await s.newScenario();
    const run = await createRun(
      s.db.sql,
      { scenarioId: scenario.id, trigger: 'api', config: {} },
      'test',
    );
    const original = {
      name: GENERATION_REQUESTED,
      id: `generate-${run.id}`,
      ts: Date.now(),
      data: { runId: run.id, scenarioId: scenario.id, campaignId: s.campaignId },
    };
    const failed = {
      name: 'inngest/function.failed',
      data: {
        function_id: 'scenario-generator-generate-scenario',
        run_id: '01JGUARDRUN',
        error: { name: 'Error', message: 'agent:crashed: gone' },
        event: original,
      },
    };
    const body = JSON.stringify({
      version: 2,
      event: failed,
      events: [failed],
      steps: {},
      ctx: { run_id: '01JGUARDFAILURE', attempt: 0, stack: { stack: [], current: 0 } },
    });
    return { runId: run.id, body };
  }

  it('refuses cross-site and non-JSON calls in dev mode, and runs nothing', async () => {
    const { runId, body } = await failureCall();
    const attempts: Array<[Record<string, string>, number]> = [
      [{ host: 'evil.com', origin: 'https://evil.com', 'content-type': 'text/plain' }, 403],
      [{ ...json, host: 'evil.com' }, 403],
      [{ ...json, host: 'evil.com:3000' }, 403],
      [{ ...json, origin: 'https://evil.com' }, 403],
      [{ ...json, origin: 'null' }, 403],
      [{ 'content-type': 'text/plain' }, 415],
      [{ 'content-type': 'application/x-www-form-urlencoded' }, 415],
      [{}, 415],
    ];
    for (const [headers, status] of attempts) {
      const r = await send(dev, 'POST', FAILURE, headers, body);
      expect({ headers, status: r.status }).toEqual({ headers, status });
    }
    expect((await getRun(s.db.sql, runId)).status).toBe('queued');

    // Introspection and sync follow the same host and origin rules.
    const before = fake.registrations().length;
    expect((await send(dev, 'GET', '/api/inngest', { host: 'evil.com' })).status).toBe(403);
    expect((await send(dev, 'PUT', '/api/inngest', { origin: 'https://evil.com' })).status).toBe(
      403,
    );
    expect(fake.registrations()).toHaveLength(before);

    // The same call from the Inngest server (loopback, JSON) runs the handler.
    const ok = await send(dev, 'POST', FAILURE, json, body);
    expect(ok.status).toBe(206);
    expect((await getRun(s.db.sql, runId)).status).toBe('failed');
  });

  it('answers errors without stack traces or absolute paths', async () => {
    const answers = [
      await send(dev, 'POST', '/api/inngest?fnId=nope&stepId=step', json, '{}'),
      await send(
        dev,
        'POST',
        DEPLOY,
        json,
        JSON.stringify({
          version: 2,
          event: { name: 'scenario/deploy.requested', data: { runId: 'x' } },
          events: [],
          steps: {},
          ctx: { run_id: 'x', attempt: 0, stack: { stack: [], current: 0 } },
        }),
      ),
      await send(dev, 'POST', DEPLOY, json, 'not json'),
    ];
    expect(answers.map((a) => a.status)).toEqual([500, 400, 400]);
    expect(answers[1]!.text).toContain('Invalid data for deploy-scenario');
    for (const a of answers) {
      expect(a.text).not.toContain(ROOT);
      expect(a.text).not.toContain('file://');
      expect(a.text).not.toMatch(/\bat .*:\d+:\d+/);
      expect(a.text).not.toMatch(/"stack":"[^"]/);
    }
  });

  it('with a signing key, dev mode too runs only signed step calls', async () => {
    const { runId, body } = await failureCall();
    const now = Math.floor(Date.now() / 1000);
    const refused: Array<Record<string, string>> = [
      {},
      { 'x-inngest-signature': signInngest('signkey-test-another-key', body) },
      { 'x-inngest-signature': signInngest(KEY, body, now - 600) },
      { 'x-inngest-signature': signInngest(KEY, body.replace('agent:crashed', 'agent:other')) },
      { 'x-inngest-signature': 't=1&s=zz' },
    ];
    for (const headers of refused) {
      const r = await send(devKeyed, 'POST', FAILURE, { ...json, ...headers }, body);
      expect({ headers, status: r.status }).toEqual({ headers, status: 401 });
    }
    expect((await getRun(s.db.sql, runId)).status).toBe('queued');

    const ok = await send(
      devKeyed,
      'POST',
      FAILURE,
      { ...json, 'x-inngest-signature': signInngest(KEY, body) },
      body,
    );
    expect(ok.status).toBe(206);
    expect((await getRun(s.db.sql, runId)).status).toBe('failed');
  });

  it('in signed mode, a scrubbed error answer is signed again', async () => {
    const body = '{}';
    const r = await send(
      signed,
      'POST',
      '/api/inngest?fnId=nope&stepId=step',
      { ...json, 'x-inngest-signature': signInngest(KEY, body) },
      body,
    );
    expect(r.status).toBe(500);
    expect(r.text).not.toContain(ROOT);
    expect(r.text).toContain('"stack":""');
    expect(verifyInngestSignature(KEY, r.headers.get('x-inngest-signature') ?? '', r.text)).toEqual(
      { ok: true },
    );
  });

  it('cuts absolute paths in messages to their last segment, and leaves URLs alone', () => {
    expect(scrubPaths("ENOENT: no such file or directory, open '/srv/app/data/x.json'")).toBe(
      "ENOENT: no such file or directory, open '…/x.json'",
    );
    expect(scrubPaths('at handler (file:///srv/app/inngest/serve/function.ts:95:13)')).toBe(
      'at handler (…/function.ts:95:13)',
    );
    expect(scrubPaths('cannot reach http://127.0.0.1:8288/fn/register')).toBe(
      'cannot reach http://127.0.0.1:8288/fn/register',
    );
    expect(scrubPaths('Invalid data for plan (scenario/plan.requested)')).toBe(
      'Invalid data for plan (scenario/plan.requested)',
    );
  });
});
