import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createMemoryBus } from '../../core/bus/memory.ts';
import { parseConfig } from '../../core/config.ts';
import { createFsStore } from '../../core/store/fs.ts';
import { createApp } from '../../functions/app.ts';
import { listen, type RunningServer } from '../../functions/server.ts';
import type { TestDb } from '../support/db.ts';
import { noPipeline } from '../support/no-pipeline.ts';
import { latency, startEdgeOnDb, type EdgeOnDb, type EdgeWorker } from './support.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * The edge entry in the real Workers runtime: the built bundle under miniflare (workerd), with
 * Postgres over the runtime's sockets (a schema of the test's own, chosen by DATABASE_URL's
 * search_path) and the Upstash bus through the REST shim to the machine's Redis. The Node server
 * runs beside it on the same database, for the latency comparison.
 */
const TOKEN = 'edge-access-token-0123456789';
const auth = { authorization: `Bearer ${TOKEN}` };
let on: EdgeOnDb;
let db: TestDb;
let edge: EdgeWorker;
let node: RunningServer;
let dataDir: string;

beforeAll(async () => {
  on = await startEdgeOnDb(inject('redisUrl'), { ACCESS_TOKEN: TOKEN });
  ({ db, edge } = on);
  dataDir = mkdtempSync(path.join(tmpdir(), 'sg-edge-node-'));
  const store = createFsStore(path.join(dataDir, 'objects'));
  await store.init();
  const app = createApp({
    config: parseConfig({ DATA_DIR: dataDir, ACCESS_TOKEN: TOKEN }),
    sql: db.sql,
    store,
    bus: createMemoryBus(),
    meta: { version: 'test', demoModel: false, executor: 'local' },
    pipeline: noPipeline(),
  });
  node = await listen(app, '127.0.0.1', 0);
});

afterAll(async () => {
  await node?.close();
  await on?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

async function call(
  method: string,
  url: string,
  body?: unknown,
  headers: Record<string, string> = auth,
) {
  const res = await fetch(`${edge.url}${url}`, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return {
    status: res.status,
    type: res.headers.get('content-type') ?? '',
    json: text ? (JSON.parse(text) as Record<string, unknown>) : {},
  };
}

describe('the edge entry under miniflare', () => {
  it('refuses calls without the access token with a problem document', async () => {
    const refused: Record<string, string>[] = [{}, { authorization: 'Bearer wrong-0123456789' }];
    for (const headers of refused) {
      const res = await call('GET', '/api/campaigns', undefined, headers);
      expect(res.status).toBe(401);
      expect(res.type).toContain('application/problem+json');
      expect(res.json).toMatchObject({ status: 401 });
    }
    expect((await call('GET', '/api/campaigns')).status).toBe(200);
  });

  it('creates, reads, lists, renames and deletes a campaign', async () => {
    const created = await call('POST', '/api/campaigns', { name: 'Edge bots', color: 'teal' });
    expect(created.status).toBe(201);
    const id = created.json['id'] as string;
    expect((await call('GET', `/api/campaigns/${id}`)).json['name']).toBe('Edge bots');
    const list = await call('GET', '/api/campaigns');
    expect((list.json['items'] as { id: string }[]).map((c) => c.id)).toContain(id);
    const renamed = await call('PATCH', `/api/campaigns/${id}`, { name: 'Edge automations' });
    expect(renamed.json['name']).toBe('Edge automations');
    expect((await call('DELETE', `/api/campaigns/${id}`)).status).toBe(204);
    const gone = await call('GET', `/api/campaigns/${id}`);
    expect(gone.status).toBe(404);
    expect(gone.type).toContain('application/problem+json');
  });

  it('creates, reads, lists, edits and deletes a scenario; a bad body is a problem document', async () => {
    const campaign = (await call('POST', '/api/campaigns', { name: 'Edge scenarios' })).json;
    const created = await call('POST', '/api/scenarios', {
      campaignId: campaign['id'],
      title: 'Order Tracker!',
      request: 'Track orders',
      complexity: 'intermediate',
      targetFormat: 'vrooli-2025-08-29',
    });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ slug: 'order-tracker', status: 'draft' });
    const id = created.json['id'] as string;
    expect((await call('GET', `/api/scenarios/${id}`)).json['title']).toBe('Order Tracker!');
    const list = await call('GET', `/api/scenarios?campaign=${String(campaign['id'])}`);
    expect((list.json['items'] as { id: string }[]).map((s) => s.id)).toEqual([id]);
    const patched = await call('PATCH', `/api/scenarios/${id}`, { title: 'Edited' });
    expect(patched.json['title']).toBe('Edited');
    expect((await call('DELETE', `/api/scenarios/${id}`)).status).toBe(204);

    const bad = await call('POST', '/api/scenarios', {
      campaignId: campaign['id'],
      title: 'x',
      request: 'r',
      targetFormat: 'no-such-format',
    });
    expect(bad.status).toBe(400);
    expect(bad.type).toContain('application/problem+json');
    expect(JSON.stringify(bad.json)).toContain('body.targetFormat');
  });

  it('says that starting a run needs a worker, as a problem document', async () => {
    const campaign = (await call('POST', '/api/campaigns', { name: 'Edge runs' })).json;
    const s = (
      await call('POST', '/api/scenarios', { campaignId: campaign['id'], title: 'R', request: 'r' })
    ).json;
    const res = await call('POST', `/api/scenarios/${String(s['id'])}/generate`, {});
    expect(res.status).toBe(503);
    expect(res.type).toContain('application/problem+json');
    // No worker holds the executor on this schema (test/edge/edge-runs.test.ts starts one).
    expect(res.json['detail']).toContain('scenario-gen start --role worker');
  });

  it('measures a list request against the edge and the Node server (printed)', async () => {
    const edgeMs = await latency(`${edge.url}/api/campaigns`, auth);
    const nodeMs = await latency(`${node.url}/api/campaigns`, auth);
    console.log(
      JSON.stringify({
        bundleKiB: Math.round(edge.bytes / 1024),
        request: 'GET /api/campaigns, 200 sequential after 20 warm-up',
        edge: edgeMs,
        node: nodeMs,
      }),
    );
    expect(edgeMs.p50).toBeGreaterThan(0);
  });
});
