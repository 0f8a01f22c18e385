import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connect, type Sql } from '../../db/client.ts';
import { startFakeGateway, type FakeGateway } from '../support/fake-inngest-gateway.ts';
import { ROOT } from '../support/server.ts';

/**
 * A ROLE=worker process in Inngest mode with INNGEST_CONNECT connects outbound (the SDK's
 * connect()) and listens for no /api/inngest. The server is a fake of connect's handshake only
 * (start request, WebSocket hello, worker connect, ready): it checks what the worker announces
 * (app id, function ids, instance id, its cap) and that SIGTERM closes the connection. No step
 * is ever sent to the worker.
 */
let admin: Sql;
let dbUrl: string;
let dbName: string;
let gateway: FakeGateway;
const dirs: string[] = [];
const children: ChildProcess[] = [];

beforeAll(async () => {
  const base = inject('databaseUrl');
  dbName = `sg_connect_${randomBytes(5).toString('hex')}`;
  admin = connect(base, { max: 1 });
  await admin.unsafe(`CREATE DATABASE ${dbName}`);
  const u = new URL(base);
  u.pathname = `/${dbName}`;
  dbUrl = u.toString();
  // The server names a gateway the worker cannot reach; INNGEST_CONNECT_GATEWAY_URL overrides it.
  gateway = await startFakeGateway({ advertise: 'ws://127.0.0.1:9/v0/connect' });
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  await gateway?.close();
  await admin.unsafe(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await admin.end();
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('ROLE=worker with INNGEST_CONNECT', () => {
  it('connects outbound with its app, functions and instance id; no /api/inngest; SIGTERM closes it', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'sg-connect-'));
    dirs.push(dataDir);
    const child = spawn(
      process.execPath,
      [path.join(ROOT, 'bin/scenario-gen.ts'), 'start', '--role', 'worker'],
      {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          LANG: 'C.UTF-8',
          PORT: '0',
          DATA_DIR: dataDir,
          DATABASE_URL: dbUrl,
          INNGEST_DEV: gateway.url,
          INNGEST_CONNECT: '1',
          INNGEST_CONNECT_GATEWAY_URL: `${gateway.url.replace('http:', 'ws:')}/v0/connect`,
          INNGEST_INSTANCE_ID: 'runner-behind-nat-1',
          AGENT_CONCURRENCY: '3',
          LOG_LEVEL: 'info',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    children.push(child);
    let out = '';
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const m = out.match(/running at (http:\/\/\S+)/);
        if (m) resolve(m[1]!);
      });
      child.on('exit', (code) => reject(new Error(`worker exited ${code}: ${out}`)));
    });
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));

    // The start request reached the fake API, then the worker announced itself on the gateway.
    expect(gateway.starts).toHaveLength(1);
    expect(gateway.starts[0]!.contentType).toBe('application/protobuf');
    expect(gateway.connects).toHaveLength(1);
    const hello = gateway.connects[0]!;
    expect(hello.connectionId).toBe('conn-1');
    expect(hello.instanceId).toBe('runner-behind-nat-1');
    expect(hello.maxWorkerConcurrency).toBe(3);
    expect(hello.framework).toBe('connect');
    expect(hello.apps.map((a) => a.appName)).toEqual(['scenario-generator']);
    const ids = hello.apps[0]!.functionIds;
    expect(ids.sort()).toEqual(
      [
        'generate-scenario',
        'generate-scenario-failure',
        'plan-scenario',
        'build-scenario',
        'validate-scenario',
        'deploy-scenario',
        'notify-run',
      ]
        .map((id) => `scenario-generator-${id}`)
        .sort(),
    );
    expect(out).toMatch(/connected outbound as runner-behind-nat-1/);

    // Nothing to call in at: the worker serves health only.
    expect((await fetch(`${url}/api/health`)).status).toBe(200);
    for (const method of ['GET', 'PUT', 'POST'])
      expect((await fetch(`${url}/api/inngest`, { method })).status).toBe(404);

    child.kill('SIGTERM');
    await gateway.closed;
    expect(await exited).toBe(0);
    expect(gateway.received).toContain('WORKER_PAUSE');
  }, 120_000);
});
