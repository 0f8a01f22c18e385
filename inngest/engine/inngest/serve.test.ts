import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../../core/errors.ts';
import { createLogger } from '../../../core/log.ts';
import { getRun } from '../../../db/runs.ts';
import { createApp } from '../../../functions/app.ts';
import { createControl } from '../../control.ts';
import { GENERATION_REQUESTED, RUN_CANCEL } from '../../events.ts';
import { createFunctions } from '../../stages/index.ts';
import { createInngestClient } from './client.ts';
import { createInngestEngine } from './engine.ts';
import { toInngestFunctions } from './function.ts';
import { inngestHandler, mountInngest } from './handler.ts';
import { createInngestMode } from './index.ts';
import { startFakeInngest, type FakeInngest } from './testing/fake-inngest.ts';
import { createStageDeps, type StageDeps } from './testing/stage-deps.ts';
import { noPipeline } from '../../../test/support/no-pipeline.ts';

/** One function's entry in the sync payload (the fields we configure). */
interface FnConfig {
  id: string;
  name: string;
  triggers: Array<{ event: string; expression?: string }>;
  steps: { step: { retries?: { attempts: number }; runtime: { type: string; url: string } } };
  concurrency?: unknown;
  cancel?: unknown;
}

const TOKEN = 'served-mode-access-token';
/** What the Inngest SDK logs, through our logger. */
const logged: string[] = [];
const log = createLogger('debug', [], (line) => logged.push(line));

describe('Inngest-served mode: the /api/inngest endpoint', () => {
  let fake: FakeInngest;
  let s: StageDeps;
  let app: ReturnType<typeof createApp>;

  beforeAll(async () => {
    fake = await startFakeInngest();
    s = await createStageDeps({ env: { ACCESS_TOKEN: TOKEN, MAX_BODY_BYTES: '1024' } });
    const mode = createInngestMode({
      config: { ...s.config, INNGEST_DEV: { dev: true }, INNGEST_BASE_URL: fake.url },
      specs: createFunctions(s.deps),
      log,
    });
    expect(mode.functions).toHaveLength(7);
    // The app as the server builds it: access token and body limit on the API, the endpoint
    // with its own guard.
    app = createApp({
      config: s.config,
      sql: s.db.sql,
      store: s.store,
      bus: s.bus,
      meta: { version: 'test', demoModel: false, executor: 'inngest' },
      pipeline: noPipeline(),
      inngest: mode.handler,
    });
  });
  afterAll(async () => {
    await s?.close();
    await fake?.close();
  });

  const call = (
    method: string,
    url: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) =>
    app.fetch(
      new Request(`http://127.0.0.1:3000${url}`, {
        method,
        headers: { 'content-type': 'application/json', ...headers },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
    );

  it('answers introspection in dev mode with the function count, without the access token', async () => {
    const res = await call('GET', '/api/inngest');
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    // Seven functions plus the failure handlers of generate-scenario and propose-suggestion,
    // which Inngest registers on their own.
    expect(body).toMatchObject({
      function_count: 9,
      mode: 'dev',
      has_event_key: false,
      has_signing_key: false,
    });
    // The rest of the API still wants the token.
    expect((await call('GET', '/api/campaigns')).status).toBe(401);
  });

  it('syncs: PUT sends every function configuration to the registration endpoint', async () => {
    const res = await call('PUT', '/api/inngest');
    expect(res.status).toBe(200);
    const [reg, ...more] = fake.registrations();
    expect(more).toHaveLength(0);
    const payload = reg!.body as {
      url: string;
      appName: string;
      framework: string;
      deployType: string;
      functions: FnConfig[];
    };
    expect(payload).toMatchObject({
      url: 'http://127.0.0.1:3000/api/inngest',
      appName: 'scenario-generator',
      framework: 'hono',
      deployType: 'ping',
    });
    const byId = new Map(payload.functions.map((f) => [f.id, f]));
    expect([...byId.keys()].sort()).toEqual(
      [
        'build-scenario',
        'deploy-scenario',
        'generate-scenario',
        'generate-scenario-failure',
        'notify-run',
        'plan-scenario',
        'propose-suggestion',
        'propose-suggestion-failure',
        'validate-scenario',
      ].map((id) => `scenario-generator-${id}`),
    );

    const gen = byId.get('scenario-generator-generate-scenario')!;
    expect(gen.name).toBe('Generate a scenario');
    expect(gen.triggers).toEqual([{ event: GENERATION_REQUESTED }]);
    expect(gen.steps.step.retries).toEqual({ attempts: 2 });
    expect(gen.steps.step.runtime).toEqual({
      type: 'http',
      url: 'http://127.0.0.1:3000/api/inngest?fnId=scenario-generator-generate-scenario&stepId=step',
    });
    // RUN_CONCURRENCY=3 globally, CAMPAIGN_CONCURRENCY=1 per campaign.
    expect(gen.concurrency).toEqual([{ limit: 3 }, { limit: 1, key: 'event.data.campaignId' }]);
    expect(gen.cancel).toEqual([{ event: RUN_CANCEL, if: 'async.data.runId == event.data.runId' }]);

    const failure = byId.get('scenario-generator-generate-scenario-failure')!;
    expect(failure.name).toBe('Generate a scenario (failure)');
    expect(failure.triggers).toEqual([
      {
        event: 'inngest/function.failed',
        expression: "event.data.function_id == 'scenario-generator-generate-scenario'",
      },
    ]);
    expect(failure.steps.step.runtime.url).toContain(
      'fnId=scenario-generator-generate-scenario-failure',
    );

    for (const [id, event] of [
      ['plan-scenario', 'scenario/plan.requested'],
      ['build-scenario', 'scenario/build.requested'],
      ['validate-scenario', 'scenario/validate.requested'],
      ['deploy-scenario', 'scenario/deploy.requested'],
    ] as const) {
      const f = byId.get(`scenario-generator-${id}`)!;
      expect(f.triggers).toEqual([{ event }]);
      expect(f.steps.step.retries).toEqual({ attempts: 2 });
      expect(f.cancel).toEqual([{ event: RUN_CANCEL, if: 'async.data.runId == event.data.runId' }]);
      expect(f.concurrency).toEqual({ limit: 3 });
    }
  });

  it('runs the failure handler when Inngest calls it: the run is marked failed with the classified cause', async () => {
    const client = createInngestClient(
      {
        INNGEST_DEV: { dev: true },
        INNGEST_BASE_URL: fake.url,
        INNGEST_SIGNING_KEY: undefined,
        INNGEST_EVENT_KEY: undefined,
      },
      { log },
    );
    const specs = createFunctions(s.deps);
    const control = createControl({
      sql: s.db.sql,
      engine: createInngestEngine(client, specs),
      lifecycle: s.deps.lifecycle,
      defaultModel: 'test-model',
    });
    const scenario = await s.newScenario();
    const before = fake.events().length;
    const run = (await control.generate(scenario.id, 'test')) as { id: string };
    // The engine handed the event to the server, with its idempotency id.
    const sent = fake
      .events()
      .slice(before)
      .flatMap((e) => e.events);
    expect(sent).toEqual([
      expect.objectContaining({
        name: GENERATION_REQUESTED,
        id: `generate-${run.id}`,
        data: { runId: run.id, scenarioId: scenario.id, campaignId: s.campaignId },
      }),
    ]);

    // What Inngest sends the failure handler once the run failed for good (a body over the API's 1 KB limit).
    const original = sent[0]!;
    const failed = {
      name: 'inngest/function.failed',
      data: {
        function_id: 'scenario-generator-generate-scenario',
        run_id: '01JSERVEDRUN',
        error: {
          name: 'NonRetriableError',
          message: 'agent:budget_exceeded: the session hit its cost cap',
          stack: 'NonRetriableError: …\n'.repeat(40),
        },
        event: original,
      },
    };
    const body = {
      version: 2,
      event: failed,
      events: [failed],
      steps: {},
      ctx: { run_id: '01JFAILURERUN', attempt: 0, stack: { stack: [], current: 0 } },
    };
    expect(JSON.stringify(body).length).toBeGreaterThan(1024);
    const res = await call(
      'POST',
      '/api/inngest?fnId=scenario-generator-generate-scenario-failure&stepId=step',
      body,
    );
    expect(res.status).toBe(206);
    const ops = (await res.json()) as Array<{ op: string; displayName?: string; name?: string }>;
    expect(ops).toEqual([expect.objectContaining({ op: 'StepRun', displayName: 'mark-failed' })]);

    const after = await getRun(s.db.sql, run.id);
    expect(after.status).toBe('failed');
    expect(after.failureClass).toBe('budget_exceeded');
    expect(after.error).toContain('the session hit its cost cap');
  });

  it('refuses event data that fails the schema before sending anything', async () => {
    const client = createInngestClient(
      {
        INNGEST_DEV: { dev: true },
        INNGEST_BASE_URL: fake.url,
        INNGEST_SIGNING_KEY: undefined,
        INNGEST_EVENT_KEY: undefined,
      },
      { log },
    );
    const engine = createInngestEngine(client, createFunctions(s.deps));
    expect(engine.kind).toBe('inngest');
    const before = fake.received.length;
    const err = await engine
      .send({ name: GENERATION_REQUESTED, data: { runId: 'not-a-uuid' } })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidInputError);
    expect((err as InvalidInputError).issues.map((i) => i.field)).toEqual(
      expect.arrayContaining(['data.runId', 'data.scenarioId', 'data.campaignId']),
    );
    expect(fake.received.length).toBe(before);
  });

  it('with a signing key (self-hosted server), unsigned calls do not run anything', async () => {
    const client = createInngestClient(
      {
        INNGEST_DEV: undefined,
        INNGEST_BASE_URL: fake.url,
        INNGEST_SIGNING_KEY: 'signkey-test-0123456789abcdef0123456789abcdef',
        INNGEST_EVENT_KEY: 'event-key-test',
      },
      { log },
    );
    const signed = new Hono();
    mountInngest(
      signed,
      inngestHandler(client, toInngestFunctions(client, createFunctions(s.deps))),
    );
    const get = await signed.fetch(new Request('http://127.0.0.1:3000/api/inngest'));
    expect(get.status).toBe(401);
    const post = await signed.fetch(
      new Request(
        'http://127.0.0.1:3000/api/inngest?fnId=scenario-generator-deploy-scenario&stepId=step',
        {
          method: 'POST',
          body: JSON.stringify({
            version: 2,
            event: {},
            events: [],
            steps: {},
            ctx: { run_id: 'x', attempt: 0 },
          }),
        },
      ),
    );
    expect(post.status).toBe(401);
    expect(logged.filter((l) => l.includes('inngest: Signature validation failed'))).toHaveLength(
      2,
    );
  });
});
