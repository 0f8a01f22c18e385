import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connect, type Sql } from '../../db/client.ts';
import { startFakeGateway, type FakeGateway } from '../support/fake-inngest-gateway.ts';
import { ROOT } from '../support/server.ts';

/**
 * A ROLE=worker process in Inngest mode with INNGEST_CONNECT connects outbound (the SDK's
 * connect()) and listens for no /api/inngest. The server is a fake of connect's protocol (start
 * request, WebSocket hello, worker connect, ready, executor request and reply): it checks what
 * the worker announces (app id, function ids, instance id, its cap), that a step sent over the
 * connection runs (notify-run's first) and its result comes back, that /api/ready follows the
 * connection, that an unreachable server is reported (where, why, how many attempts, at a
 * bounded rate) and that SIGTERM/SIGINT stop the worker whether or not it is connected.
 */
let admin: Sql;
let dbUrl: string;
let dbName: string;
const gateways: FakeGateway[] = [];
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
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  for (const g of gateways) await g.close();
  await admin.unsafe(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await admin.end();
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

/** A port nothing listens on (connections to it are refused). */
async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as { port: number };
  await new Promise((r) => s.close(r));
  return port;
}

async function until<T>(f: () => Promise<T | undefined> | T | undefined, ms: number): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

interface Worker {
  child: ChildProcess;
  url: string;
  out(): string;
  exited: Promise<number | null>;
}

/** `scenario-gen start --role worker` against the Inngest server at `server`. */
async function startWorker(server: string, env: Record<string, string> = {}): Promise<Worker> {
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
        INNGEST_DEV: server,
        INNGEST_CONNECT: '1',
        LOG_LEVEL: 'info',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  children.push(child);
  let out = '';
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = out.match(/running at (http:\/\/\S+)/);
      if (m) resolve(m[1]!);
    });
    void exited.then((code) => reject(new Error(`worker exited ${code}: ${out}`)));
    setTimeout(() => reject(new Error(`worker not up within 60 s: ${out}`)), 60_000);
  });
  return { child, url, out: () => out, exited };
}

interface ReadyBody {
  ready: boolean;
  checks: Record<string, { ok: boolean; detail?: string }>;
}
async function readyOf(w: Worker): Promise<{ status: number; body: ReadyBody }> {
  const r = await fetch(`${w.url}/api/ready`);
  return { status: r.status, body: (await r.json()) as ReadyBody };
}

const warnings = (out: string) =>
  out.split('\n').filter((l) => / warn  inngest: this worker/.test(l));

describe('ROLE=worker with INNGEST_CONNECT', () => {
  it('connects outbound with its app, functions and instance id; ready; no /api/inngest; SIGTERM closes it', async () => {
    // The server names a gateway the worker cannot reach; INNGEST_CONNECT_GATEWAY_URL overrides it.
    const gateway = await startFakeGateway({ advertise: 'ws://127.0.0.1:9/v0/connect' });
    gateways.push(gateway);
    const w = await startWorker(gateway.url, {
      INNGEST_CONNECT_GATEWAY_URL: `${gateway.url.replace('http:', 'ws:')}/v0/connect`,
      INNGEST_INSTANCE_ID: 'runner-behind-nat-1',
      AGENT_CONCURRENCY: '3',
    });
    const ready = await until(async () => {
      const r = await readyOf(w);
      return r.status === 200 ? r.body : undefined;
    }, 20_000);
    expect(ready.checks.inngest).toEqual({
      ok: true,
      detail: expect.stringMatching(/^connected to .* as conn-1$/) as unknown,
    });

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
    expect(hello.apps[0]!.functionIds.sort()).toEqual(
      [
        'generate-scenario',
        'generate-scenario-failure',
        'plan-scenario',
        'build-scenario',
        'validate-scenario',
        'deploy-scenario',
        'notify-run',
        'propose-suggestion',
        'propose-suggestion-failure',
      ]
        .map((id) => `scenario-generator-${id}`)
        .sort(),
    );
    await until(
      () => (/connected outbound as runner-behind-nat-1/.test(w.out()) ? 1 : undefined),
      5_000,
    );
    expect(warnings(w.out())).toEqual([]);

    // The server sends a step over the connection: the worker runs notify-run's first step
    // (a query of its database: this run has no notices to deliver) and replies with its result.
    const runId = randomUUID();
    const reply = await gateway.sendStep({
      functionSlug: 'scenario-generator-notify-run',
      event: {
        name: 'notification/run.notice',
        data: { runId, event: 'run.succeeded', key: 'succeeded' },
      },
      runId: 'inngest-run-1',
    });
    expect(reply.status).toBe('NOT_COMPLETED');
    expect(reply.body).toEqual([
      expect.objectContaining({ op: 'StepRun', name: 'open-deliveries', data: [] }),
    ]);
    expect(gateway.received).toContain('WORKER_REQUEST_ACK');

    // Nothing to call in at: the worker serves health only.
    expect((await fetch(`${w.url}/api/health`)).status).toBe(200);
    for (const method of ['GET', 'PUT', 'POST'])
      expect((await fetch(`${w.url}/api/inngest`, { method })).status).toBe(404);

    const t0 = Date.now();
    w.child.kill('SIGTERM');
    await gateway.closed;
    expect(await w.exited).toBe(0);
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(gateway.received).toContain('WORKER_PAUSE');
  }, 120_000);

  it('an unreachable server: warns where, why and how many attempts (once per 30 s), not ready; ready once it answers', async () => {
    const port = await freePort();
    const server = `http://127.0.0.1:${port}`;
    const w = await startWorker(server);
    const first = await until(() => warnings(w.out())[0], 15_000);
    expect(first).toContain(`not connected to the Inngest server at ${server}`);
    expect(first).toContain('1 attempt(s) so far');
    expect(first).toContain(`ECONNREFUSED 127.0.0.1:${port}`);

    const notReady = await readyOf(w);
    expect(notReady.status).toBe(503);
    expect(notReady.body.ready).toBe(false);
    expect(notReady.body.checks.database!.ok).toBe(true);
    expect(notReady.body.checks.inngest!.ok).toBe(false);
    // The SDK retries after 2 s: the count grows, the warning is not repeated.
    const second = await until(async () => {
      const d = (await readyOf(w)).body.checks.inngest!.detail!;
      return /: 2 attempt\(s\)/.test(d) ? d : undefined;
    }, 10_000);
    expect(second).toContain(`not connected to ${server}`);
    expect(second).toContain('ECONNREFUSED');
    expect(warnings(w.out())).toHaveLength(1);

    // The server comes up: the next attempt (5 s later) connects and the worker is ready.
    const gateway = await startFakeGateway({ port });
    gateways.push(gateway);
    const ready = await until(async () => {
      const r = await readyOf(w);
      return r.status === 200 ? r.body : undefined;
    }, 20_000);
    expect(ready.checks.inngest!.ok).toBe(true);
    expect(gateway.connects).toHaveLength(1);
    expect(warnings(w.out())).toHaveLength(1);

    // The server goes away again: not ready while the worker reconnects; SIGTERM still stops it.
    await gateway.close();
    const lost = await until(async () => {
      const r = await readyOf(w);
      return r.status === 503 ? r.body.checks.inngest!.detail : undefined;
    }, 10_000);
    expect(lost).toContain(`not connected to ${server}`);
    w.child.kill('SIGTERM');
    expect(await w.exited).toBe(0);
  }, 120_000);

  for (const signal of ['SIGTERM', 'SIGINT'] as const)
    it(`${signal} while it still waits to connect: it stops at once, exit code 0`, async () => {
      const w = await startWorker(`http://127.0.0.1:${await freePort()}`);
      await until(() => warnings(w.out())[0], 15_000);
      const t0 = Date.now();
      w.child.kill(signal);
      expect(await w.exited).toBe(0);
      const took = Date.now() - t0;
      expect(took).toBeLessThan(3_000);
      expect(w.out()).toContain('Stopping…');
    }, 60_000);
});
