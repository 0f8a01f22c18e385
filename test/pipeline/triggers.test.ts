import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../functions/app.ts';
import { sign } from '../../functions/webhook-signature.ts';
import { listArtifacts } from '../../db/artifacts.ts';
import { listInteractions } from '../../db/interactions.ts';
import { getRun } from '../../db/runs.ts';
import { listValidations } from '../../db/validations.ts';
import { createScenarioScript, taskOf } from '../../runner/model-double/scenario-script.ts';
import type { ScriptFn } from '../../runner/model-double/script.ts';
import { createPipelineHarness, type PipelineHarness } from './harness.ts';

/** The demo script, except that implementations after the first write a different README. */
function evolvingScript(): ScriptFn {
  const base = createScenarioScript();
  let implementations = 0;
  return (ctx) => {
    if (taskOf(ctx.prompt) === 'implement' && ctx.position === 0) implementations++;
    const turn = base(ctx);
    if (turn.type === 'tool_use' && turn.input.file_path === 'README.md' && implementations >= 2) {
      return {
        ...turn,
        input: {
          ...turn.input,
          content: `${String(turn.input.content)}\nRevision ${implementations}.\n`,
        },
      };
    }
    return turn;
  };
}

describe('triggers: retry from a phase, rollback, webhook, batch', () => {
  let h: PipelineHarness;
  let vrooli: string;
  let call: (
    method: string,
    url: string,
    body?: unknown,
    headers?: Record<string, string>,
  ) => Promise<{ status: number; json: any }>;
  const secret = 'webhook-secret-for-tests-0123456789';

  beforeAll(async () => {
    vrooli = mkdtempSync('/tmp/sg-vrooli-');
    h = await createPipelineHarness({
      script: evolvingScript(),
      env: {
        DEPLOY_TARGET: 'vrooli',
        VROOLI_ROOT: vrooli,
        DEPLOY_OVERWRITE: 'true',
        WEBHOOK_SECRET: secret,
      },
    });
    const app = createApp({
      config: h.config,
      sql: h.db.sql,
      store: h.store,
      bus: h.bus,
      meta: { version: 'test', demoModel: false, executor: 'local' },
      pipeline: h.pipeline.control,
    });
    call = async (method, url, body, headers = {}) => {
      const init: RequestInit = {
        method,
        headers: { 'content-type': 'application/json', ...headers },
      };
      if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
      const res = await app.fetch(new Request(`http://127.0.0.1${url}`, init));
      const text = await res.text();
      return { status: res.status, json: text ? JSON.parse(text) : undefined };
    };
  });
  afterAll(async () => {
    await h.close();
    rmSync(vrooli, { recursive: true, force: true });
  });

  let scenario: { id: string; slug: string };
  let firstRun: string;

  it('retries from validation after the workspace is gone, reusing the stored bundle', async () => {
    scenario = await h.newScenario();
    firstRun = (await call('POST', `/api/scenarios/${scenario.id}/generate`)).json.id;
    expect((await h.deployed(scenario.id)).status).toBe('deployed');
    rmSync(path.join(h.dir, 'runner'), { recursive: true, force: true });
    const retry = await call('POST', `/api/runs/${firstRun}/retry`, { fromPhase: 'validating' });
    expect(retry.status).toBe(202);
    expect(retry.json).toMatchObject({
      trigger: 'retry',
      fromPhase: 'validating',
      parentRunId: firstRun,
    });
    const after = await h.waitFor(scenario.id, ['deployed', 'failed']);
    expect(after.error).toBeNull();
    expect(after.status).toBe('deployed');
    expect((await getRun(h.db.sql, retry.json.id)).status).toBe('succeeded');
    expect(await listInteractions(h.db.sql, retry.json.id)).toEqual([]);
    expect(
      (await listValidations(h.db.sql, retry.json.id)).map((v) => [v.phase, v.validator, v.passed]),
    ).toEqual([
      ['validating', 'builtin', true],
      ['validating', 'runtime', true],
    ]);
    expect((await call('POST', `/api/runs/${firstRun}/retry`, { fromPhase: 'later' })).status).toBe(
      400,
    );
    // A retry of that retry still finds the plan (recorded by the run it came from): no replanning.
    const again = await call('POST', `/api/runs/${retry.json.id}/retry`, {
      fromPhase: 'implementing',
    });
    expect(again.status).toBe(202);
    expect((await h.deployed(scenario.id)).status).toBe('deployed');
    expect((await listInteractions(h.db.sql, again.json.id)).map((i) => i.promptTemplate)).toEqual([
      'implement',
    ]);
  }, 180_000);

  it('rolls back to an earlier bundle, byte for byte', async () => {
    const [bundleA] = await listArtifacts(h.db.sql, { runId: firstRun, kind: 'bundle' });
    const second = (await call('POST', `/api/scenarios/${scenario.id}/generate`)).json.id;
    expect((await h.deployed(scenario.id)).status).toBe('deployed');
    const target = path.join(vrooli, 'scripts/scenarios/core', scenario.slug);
    expect(readFileSync(path.join(target, 'README.md'), 'utf8')).toMatch(/Revision \d/);
    expect((await getRun(h.db.sql, second)).status).toBe('succeeded');

    const rb = await call('POST', `/api/scenarios/${scenario.id}/rollback`, {
      artifactId: bundleA!.id,
    });
    expect(rb.status).toBe(202);
    expect((await h.deployed(scenario.id)).status).toBe('deployed');
    for (const f of bundleA!.manifest) {
      const deployed = readFileSync(path.join(target, f.path));
      expect({ file: f.path, sha256: createHash('sha256').update(deployed).digest('hex') }).toEqual(
        { file: f.path, sha256: f.sha256 },
      );
    }
    expect(readFileSync(path.join(target, 'README.md'), 'utf8')).not.toMatch(/Revision/);
    expect(await listInteractions(h.db.sql, rb.json.id)).toEqual([]);
    expect(
      (
        await call('POST', `/api/scenarios/${scenario.id}/rollback`, {
          artifactId: '00000000-0000-4000-8000-000000000000',
        })
      ).status,
    ).toBe(404);
  }, 180_000);

  it('starts a run from a correctly signed webhook and refuses missing, wrong, stale and replayed ones', async () => {
    const count = async () =>
      (await h.db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM runs`)[0]!.n;
    const body = JSON.stringify({
      campaignId: h.campaignId,
      title: 'From a webhook',
      request: 'Build a status page.',
      config: { planningIterations: 1, implementationIterations: 1, validationFixes: 1 },
    });
    const now = Math.floor(Date.now() / 1000);
    const headers = (ts: number, delivery: string, sig = sign(secret, ts, delivery, body)) => ({
      'x-sg-timestamp': String(ts),
      'x-sg-signature': sig,
      'x-sg-delivery': delivery,
    });
    const before = await count();
    const refused = [
      await call('POST', '/api/hooks/generate', body, { 'x-sg-delivery': 'd-missing' }),
      await call(
        'POST',
        '/api/hooks/generate',
        body,
        headers(now, 'd-wrong', sign('another-secret-0123456789', now, 'd-wrong', body)),
      ),
      await call('POST', '/api/hooks/generate', body, headers(now - 301, 'd-stale')),
      await call(
        'POST',
        '/api/hooks/generate',
        body.replace('status page', 'tampered page'),
        headers(now, 'd-tampered', sign(secret, now, 'd-tampered', body)),
      ),
      // A captured request replayed under a fresh delivery id: the signature no longer matches.
      await call(
        'POST',
        '/api/hooks/generate',
        body,
        headers(now, 'd-fresh-id', sign(secret, now, 'd-original', body)),
      ),
    ];
    expect(refused.map((r) => r.status)).toEqual([401, 401, 401, 401, 401]);
    expect(await count()).toBe(before);

    const ok = await call('POST', '/api/hooks/generate', body, headers(now, 'delivery-1'));
    expect(ok.status).toBe(202);
    expect(ok.json.run).toMatchObject({ trigger: 'webhook', scenarioId: ok.json.scenario.id });
    const replay = await call('POST', '/api/hooks/generate', body, headers(now, 'delivery-1'));
    expect(replay.status).toBe(401);
    expect(replay.json.detail).toMatch(/replay/);
    expect(await count()).toBe(before + 1);
    expect((await h.deployed(ok.json.scenario.id)).status).toBe('deployed');
  }, 180_000);

  it('generates and cancels several scenarios in one batch', async () => {
    const a = await h.newScenario({ title: 'Batch one' });
    const b = await h.newScenario({ title: 'Batch two' });
    const gen = await call('POST', '/api/scenarios/batch', {
      ids: [a.id, b.id],
      action: 'generate',
    });
    expect(gen.json.results.map((r: { ok: boolean }) => r.ok)).toEqual([true, true]);
    const again = await call('POST', '/api/scenarios/batch', { ids: [a.id], action: 'generate' });
    expect(again.json.results[0]).toMatchObject({ ok: false, error: { status: 409 } });
    const cancel = await call('POST', '/api/scenarios/batch', {
      ids: [a.id, b.id],
      action: 'cancel',
    });
    const cancelled = cancel.json.results.filter((r: { ok: boolean }) => r.ok).length;
    expect(cancelled).toBeGreaterThanOrEqual(1);
    for (const id of [a.id, b.id])
      expect(['cancelled', 'deployed']).toContain(
        (await h.waitFor(id, ['cancelled', 'deployed', 'failed'])).status,
      );
  }, 180_000);
});
