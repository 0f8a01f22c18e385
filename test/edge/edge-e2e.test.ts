import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DEMO_MODEL_NAME } from '../../core/model-name.ts';
import { connect, type Sql } from '../../db/client.ts';
import { readSse } from '../support/sse.ts';
import { startUpstashShim, type UpstashShim } from '../support/upstash-shim.ts';
import { edgeClient, startEdgeWorker, type EdgeWorker } from './support.ts';
import { startWorker, type WorkerProcess } from './worker-process.ts';

/**
 * The edge deployment end to end: the edge bundle under miniflare (workerd) starts a demo run,
 * a real worker process (`scenario-gen start --role worker`) executes it — sharing only Postgres,
 * Redis and an S3 store (s3rver) — and the edge's SSE client sees every event the worker
 * published, in order, through Upstash (the REST shim in front of the same Redis), to the end;
 * then reads the run's plan and the deployed archive from the workers' S3 store.
 */
const TOKEN = 'edge-access-token-0123456789';
let admin: Sql;
let dbName: string;
let s3: S3rver;
let s3Dir: string;
let shim: UpstashShim;
let edge: EdgeWorker;
let worker: WorkerProcess | undefined;
let workerEnv: Record<string, string>;

beforeAll(async () => {
  const base = inject('databaseUrl');
  dbName = `sg_edge_${randomBytes(5).toString('hex')}`;
  admin = connect(base, { max: 1 });
  await admin.unsafe(`CREATE DATABASE ${dbName}`);
  const u = new URL(base);
  u.pathname = `/${dbName}`;
  s3Dir = await mkdtemp(path.join(tmpdir(), 'sg-edge-s3-'));
  s3 = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory: s3Dir,
    vhostBuckets: false,
  });
  const s3Port = (await s3.run()).port;
  workerEnv = {
    DATABASE_URL: u.href,
    REDIS_URL: inject('redisUrl'),
    S3_ENDPOINT: `http://127.0.0.1:${s3Port}`,
    S3_ACCESS_KEY: 'S3RVER',
    S3_SECRET_KEY: 'S3RVER',
    S3_BUCKET: `edge-${randomBytes(3).toString('hex')}`,
    DEMO_MODEL: 'on',
  };
  shim = await startUpstashShim({ redisUrl: inject('redisUrl') });
  edge = await startEdgeWorker({
    DATABASE_URL: u.href,
    UPSTASH_REDIS_REST_URL: shim.url,
    UPSTASH_REDIS_REST_TOKEN: shim.token,
    ACCESS_TOKEN: TOKEN,
    DEMO_MODEL: 'on',
    BUS_POLL_INTERVAL: '100ms',
    // The workers' store, read from the edge over fetch.
    S3_ENDPOINT: workerEnv['S3_ENDPOINT']!,
    S3_ACCESS_KEY: 'S3RVER',
    S3_SECRET_KEY: 'S3RVER',
    S3_BUCKET: workerEnv['S3_BUCKET']!,
  });
}, 60_000);

afterAll(async () => {
  await worker?.stop();
  await edge?.close();
  await shim?.close();
  await s3?.close();
  await admin.unsafe(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await admin.end();
  await rm(s3Dir, { recursive: true, force: true });
});

describe('the edge deployment with a self-hosted worker', () => {
  it('a demo run started at the edge completes on the worker; the edge streams it to the end', async () => {
    // The worker applies the migrations (the edge never does) and takes the executor.
    worker = await startWorker(workerEnv);
    for (let i = 0; i < 200 && !/this process runs the local executor/.test(worker.output()); i++)
      await new Promise((r) => setTimeout(r, 100));
    expect(worker.output()).toMatch(/this process runs the local executor/);
    const call = edgeClient(edge.url, TOKEN);
    const campaign = (await call('POST', '/api/campaigns', { name: 'Edge and worker' })).json;
    const scenario = (
      await call('POST', '/api/scenarios', {
        campaignId: campaign['id'],
        title: 'Edge bookmarks',
        request: 'A bookmark keeper',
        config: { planningIterations: 1, implementationIterations: 1, validationFixes: 2 },
      })
    ).json;
    const id = scenario['id'] as string;
    const sse = readSse(
      await fetch(`${edge.url}/api/scenarios/${id}/events`, {
        headers: { authorization: `Bearer ${TOKEN}` },
      }),
    );
    const [snapshot] = await sse.take(1);
    expect(snapshot!.event).toBe('snapshot');

    const t0 = performance.now();
    const started = await call('POST', `/api/scenarios/${id}/generate`, {});
    expect(started.status).toBe(202);
    const seqs: number[] = [];
    let status = '';
    while (!['deployed', 'failed', 'cancelled'].includes(status)) {
      const [m] = await sse.take(1, 60_000);
      seqs.push(Number(m!.id));
      if (m!.event === 'status' && typeof m!.data.status === 'string') status = m!.data.status;
    }
    const seconds = (performance.now() - t0) / 1000;
    await sse.close();
    console.log(
      JSON.stringify({
        edgeRun: { status, seconds: Number(seconds.toFixed(1)), events: seqs.length },
      }),
    );
    expect(status, worker.output().slice(-3000)).toBe('deployed');
    // Every event the worker published reached the edge's client, in order, without a gap.
    const first = Number(snapshot!.id) + 1;
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => first + i));
    const run = await call('GET', `/api/runs/${String(started.json['id'])}`);
    expect(run.json).toMatchObject({ status: 'succeeded' });
    // The edge labels the run with the demo model's name (DEMO_MODEL=on at the edge).
    expect((run.json['config'] as Record<string, unknown>)['model']).toBe(DEMO_MODEL_NAME);

    // What the worker stored, the edge reads from the shared S3 store (no filesystem there).
    const headers = { authorization: `Bearer ${TOKEN}` };
    const plan = await fetch(`${edge.url}/api/runs/${String(started.json['id'])}/plans/1`, {
      headers,
    });
    expect(plan.status).toBe(200);
    expect(await plan.text()).toContain('plan-marker');
    const archive = await fetch(`${edge.url}/api/scenarios/${id}/archive`, { headers });
    expect(archive.status).toBe(200);
    const gz = new Uint8Array(await archive.arrayBuffer());
    expect(gz.length).toBeGreaterThan(100);
    expect([gz[0], gz[1]]).toEqual([0x1f, 0x8b]);

    // The worker stops: its lock goes with it, and the edge refuses the next start.
    await worker.stop();
    const refused = await call('POST', `/api/scenarios/${id}/generate`, {});
    expect(refused.status).toBe(503);
    expect(refused.json['detail']).toContain('scenario-gen start --role worker');
  }, 120_000);
});
