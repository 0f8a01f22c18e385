import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connect, type Sql } from '../../db/client.ts';
import { readSse } from '../support/sse.ts';
import { ROOT } from '../support/server.ts';

/**
 * Scale-out on the embedded engine: an api process (ROLE=api) and a worker (ROLE=worker) with
 * data folders of their own share only Postgres, Redis and an S3 store. A run started on the api
 * completes on the worker, and an SSE client on the api sees every event in order.
 */
let admin: Sql;
let dbUrl: string;
let dbName: string;
let s3: S3rver;
let s3Dir: string;
let s3Port: number;
const bucket = `roles-${randomBytes(3).toString('hex')}`;
const dirs: string[] = [];
const children: ChildProcess[] = [];

beforeAll(async () => {
  const base = inject('databaseUrl');
  dbName = `sg_roles_${randomBytes(5).toString('hex')}`;
  admin = connect(base, { max: 1 });
  await admin.unsafe(`CREATE DATABASE ${dbName}`);
  const u = new URL(base);
  u.pathname = `/${dbName}`;
  dbUrl = u.toString();
  s3Dir = await mkdtemp(path.join(tmpdir(), 'sg-roles-s3-'));
  s3 = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory: s3Dir,
    vhostBuckets: false,
  });
  s3Port = (await s3.run()).port;
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  await s3?.close();
  await admin.unsafe(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await admin.end();
  for (const d of [s3Dir, ...dirs]) await rm(d, { recursive: true, force: true });
});

async function start(role: 'api' | 'worker'): Promise<{ url: string; output: () => string }> {
  const dataDir = await mkdtemp(path.join(tmpdir(), `sg-roles-${role}-`));
  dirs.push(dataDir);
  const child = spawn(process.execPath, [path.join(ROOT, 'bin/scenario-gen.ts'), 'start'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      LANG: 'C.UTF-8',
      ROLE: role,
      PORT: '0',
      DATA_DIR: dataDir,
      DATABASE_URL: dbUrl,
      REDIS_URL: 'redis://127.0.0.1:6379',
      S3_ENDPOINT: `http://127.0.0.1:${s3Port}`,
      S3_ACCESS_KEY: 'S3RVER',
      S3_SECRET_KEY: 'S3RVER',
      S3_BUCKET: bucket,
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = out.match(/running at (http:\/\/\S+)/);
      if (m) resolve({ url: m[1]!, output: () => out });
    });
    child.on('exit', (code) => reject(new Error(`${role} exited ${code}: ${out}`)));
  });
}

describe('ROLE=api and ROLE=worker on shared Postgres, Redis and S3', () => {
  it('a run started on the api completes on the worker; the api streams every event in order', async () => {
    const api = await start('api');
    const worker = await start('worker');
    expect(api.output()).toMatch(/ROLE=api/);
    expect(worker.output()).toMatch(/this process runs the local executor/);
    // The worker serves health, not the API.
    expect((await fetch(`${worker.url}/api/health`)).status).toBe(200);
    expect((await fetch(`${worker.url}/api/campaigns`)).status).toBe(404);

    const post = async (p: string, body?: unknown) =>
      (
        await fetch(`${api.url}${p}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body ?? {}),
        })
      ).json() as Promise<{ id: string }>;
    const campaign = await post('/api/campaigns', { name: 'Roles' });
    const scenario = await post('/api/scenarios', {
      campaignId: campaign.id,
      title: 'Split roles',
      request: 'A bookmark keeper',
      config: { planningIterations: 1, implementationIterations: 1, validationFixes: 2 },
    });
    const sse = readSse(await fetch(`${api.url}/api/scenarios/${scenario.id}/events`));
    const [snapshot] = await sse.take(1);
    expect(snapshot!.event).toBe('snapshot');
    await post(`/api/scenarios/${scenario.id}/generate`);

    const seqs: number[] = [];
    let status = '';
    const until = Date.now() + 180_000;
    while (!['deployed', 'failed', 'cancelled'].includes(status) && Date.now() < until) {
      const [m] = await sse.take(1);
      if (!m) break;
      seqs.push(Number(m.id));
      if (m.event === 'status' && typeof m.data.status === 'string') status = m.data.status;
    }
    await sse.close();
    expect(status).toBe('deployed');
    // Every event the worker published reached the api's client, in order, without a gap.
    const first = Number(snapshot!.id) + 1;
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => first + i));
    const run = (await (await fetch(`${api.url}/api/runs?limit=1`)).json()) as {
      items: Array<{ id: string; status: string }>;
    };
    expect(run.items[0]!.status).toBe('succeeded');
    // What the worker stored, the api reads from the shared object store (no shared folder).
    const plan = await fetch(`${api.url}/api/runs/${run.items[0]!.id}/plans/1`);
    expect(plan.status).toBe(200);
    expect(await plan.text()).toContain('plan-marker');
  }, 240_000);
});
