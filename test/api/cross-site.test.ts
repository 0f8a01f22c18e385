import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hono } from 'hono';
import { createApp } from '../../functions/app.ts';
import type { Run } from '../../db/runs.ts';
import type { AppEnv, PipelineControl } from '../../functions/deps.ts';
import { createTestApp, type TestApp } from '../support/app.ts';

/**
 * What a page on another site can send without a CORS preflight: bodiless POSTs and DELETEs,
 * forms, text/plain bodies, and `Origin: null` from a sandboxed frame. None of it may change
 * anything; the same calls as JSON from a loopback page (the dashboard) still work.
 */
describe('cross-site requests cannot drive the API', () => {
  let t: TestApp;
  let app: Hono<AppEnv>;
  const started: string[] = [];
  // Only whether a call got through matters here, not the run it answers with.
  const run = (id: string) => ({ id }) as Run;
  const pipeline: PipelineControl = {
    generate: async (id) => (started.push(`generate ${id}`), run('run')),
    cancelRun: async (id) => (started.push(`cancel ${id}`), run(id)),
    cancelScenario: async (id) => (started.push(`cancel-scenario ${id}`), null),
    retry: async (id) => (started.push(`retry ${id}`), run(id)),
    rollback: async (id) => (started.push(`rollback ${id}`), run(id)),
    change: async (id) => (started.push(`change ${id}`), run(id)),
  };
  let campaignId: string;
  let scenarioId: string;
  const runId = '00000000-0000-4000-8000-000000000001';

  beforeAll(async () => {
    t = await createTestApp({ WEBHOOK_SECRET: 'webhook-secret-0123456789abcdef' }, { pipeline });
    app = createApp(t.deps);
    campaignId = (await t.call('POST', '/api/campaigns', { name: 'Target' })).json.id;
    scenarioId = (
      await t.call('POST', '/api/scenarios', { campaignId, title: 'Target', request: 'r' })
    ).json.id;
  });
  afterAll(() => t.close());

  const send = async (
    method: string,
    path: string,
    headers: Record<string, string>,
    body?: string,
  ) => {
    const res = await app.fetch(
      new Request(`http://127.0.0.1:3000${path}`, { method, headers, ...(body ? { body } : {}) }),
    );
    return {
      status: res.status,
      json: (await res.json().catch(() => undefined)) as { code?: string },
    };
  };
  const archived = async () =>
    (await t.call('GET', `/api/campaigns/${campaignId}`)).json.archived === true;

  it('refuses Origin: null, even with a JSON content type', async () => {
    const headers = { origin: 'null', 'content-type': 'application/json' };
    for (const path of [
      `/api/campaigns/${campaignId}/archive`,
      `/api/scenarios/${scenarioId}/generate`,
      `/api/runs/${runId}/cancel`,
    ]) {
      const r = await send('POST', path, headers);
      expect({ path, status: r.status, code: r.json?.code }).toEqual({
        path,
        status: 403,
        code: 'forbidden',
      });
    }
    expect(await archived()).toBe(false);
    expect(started).toEqual([]);
  });

  it('refuses mutations that are not JSON, bodiless ones included (415)', async () => {
    const cases: Array<[string, string, Record<string, string>, string?]> = [
      ['POST', `/api/campaigns/${campaignId}/archive`, {}],
      ['POST', `/api/scenarios/${scenarioId}/generate`, { 'content-type': 'text/plain' }],
      [
        'POST',
        `/api/runs/${runId}/cancel`,
        { 'content-type': 'application/x-www-form-urlencoded' },
      ],
      [
        'POST',
        `/api/runs/${runId}/retry`,
        { 'content-type': 'text/plain' },
        '{"fromPhase":"planning"}',
      ],
      [
        'PATCH',
        `/api/campaigns/${campaignId}`,
        { 'content-type': 'text/plain' },
        '{"name":"Owned"}',
      ],
      ['DELETE', `/api/scenarios/${scenarioId}`, {}],
      [
        'DELETE',
        `/api/campaigns/${campaignId}`,
        { 'content-type': 'multipart/form-data; boundary=x' },
      ],
      ['POST', '/api/campaigns', { 'content-type': 'application/jsonp' }, '{"name":"Owned"}'],
    ];
    for (const [method, path, headers, body] of cases) {
      const r = await send(method, path, { origin: 'http://127.0.0.1:3000', ...headers }, body);
      expect({ method, path, status: r.status, code: r.json?.code }).toEqual({
        method,
        path,
        status: 415,
        code: 'unsupported_media_type',
      });
    }
    expect(await archived()).toBe(false);
    expect((await t.call('GET', `/api/scenarios/${scenarioId}`)).status).toBe(200);
    expect((await t.call('GET', `/api/campaigns/${campaignId}`)).json.name).toBe('Target');
    expect(started).toEqual([]);
  });

  it('still serves the dashboard: JSON from a loopback page, +json types, bodiless calls', async () => {
    const page = { origin: 'http://127.0.0.1:3000' };
    const gen = await send('POST', `/api/scenarios/${scenarioId}/generate`, {
      ...page,
      'content-type': 'application/json',
    });
    expect(gen.status).toBe(202);
    expect(started).toEqual([`generate ${scenarioId}`]);
    const renamed = await send(
      'PATCH',
      `/api/campaigns/${campaignId}`,
      { ...page, 'content-type': 'application/merge-patch+json; charset=utf-8' },
      '{"name":"Renamed"}',
    );
    expect(renamed.status).toBe(200);
    const arch = await send('POST', `/api/campaigns/${campaignId}/archive`, {
      'content-type': 'application/json',
    });
    expect(arch.status).toBe(200);
    expect(await archived()).toBe(true);
    // Reads need no content type.
    expect((await send('GET', `/api/campaigns/${campaignId}`, page)).status).toBe(200);
  });

  it('leaves the signed webhook to its signature, whatever the content type', async () => {
    const r = await send(
      'POST',
      '/api/hooks/generate',
      { 'content-type': 'text/plain', 'x-sg-delivery': 'd-1' },
      '{}',
    );
    expect(r.status).toBe(401);
  });
});
