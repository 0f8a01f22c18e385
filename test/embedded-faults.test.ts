import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { processAlive } from '../db/postmaster.ts';
import { startServer, type Server } from './support/server.ts';

/**
 * Faults of the embedded Postgres, on the real binary: its postmaster killed under a running app
 * (the app restarts it), and the app and its postmaster killed together and started again at once.
 */
const dataDir = mkdtempSync(path.join(tmpdir(), 'sg-faults-'));
const env = {
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  LANG: 'C.UTF-8',
  DATA_DIR: dataDir,
  SEED_SAMPLES: 'false',
};
const servers: Server[] = [];
afterAll(async () => {
  for (const s of servers) await s.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const postmasterPid = () =>
  Number(readFileSync(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);

/** GET /api/ready, timed: a supervisor's probe must never hang. */
async function ready(url: string): Promise<{ status: number; ms: number }> {
  const t0 = Date.now();
  const res = await fetch(`${url}/api/ready`, { signal: AbortSignal.timeout(10_000) });
  await res.body?.cancel();
  return { status: res.status, ms: Date.now() - t0 };
}

describe('the embedded Postgres under faults', () => {
  it('is restarted when its postmaster dies; /api/ready answers throughout', async () => {
    const app = await startServer(env);
    servers.push(app);
    expect((await ready(app.url)).status).toBe(200);
    process.kill(postmasterPid(), 'SIGKILL');
    const seen: number[] = [];
    const t0 = Date.now();
    let back = false;
    while (!back && Date.now() - t0 < 30_000) {
      const r = await ready(app.url);
      expect(r.ms).toBeLessThan(5000);
      seen.push(r.status);
      back = r.status === 200;
      if (!back) await new Promise((r) => setTimeout(r, 300));
    }
    expect(back).toBe(true);
    expect(app.output()).toMatch(/embedded Postgres restarted/);
    const list = await fetch(`${app.url}/api/campaigns`);
    expect(list.status).toBe(200);
    console.log(
      `postmaster killed → ready again in ${Date.now() - t0} ms (${seen.length} probes: ${seen.join(',')})`,
    );
    // It stops (no hang). Its exit code is not asserted: the executor's owner-lock connection died
    // with the postmaster, and postgres.js 3.4.9 may throw from a write on such a reserved
    // connection at shutdown (porsager/postgres#1208).
    const code = await app.stop();
    expect(code === 0 || code === 1).toBe(true);
  }, 120_000);

  it('starts at once after the app and its postmaster were SIGKILLed together', async () => {
    const first = await startServer(env);
    const pm = postmasterPid();
    first.child.kill('SIGKILL');
    process.kill(pm, 'SIGKILL');
    const second = await startServer(env);
    servers.push(second);
    expect((await ready(second.url)).status).toBe(200);
    expect(second.output()).not.toMatch(/ECONNREFUSED/);
    expect(await second.stop()).toBe(0);
  }, 120_000);
});

describe('an embedded Postgres left behind by a killed app', () => {
  it('is reused by the next app and stopped with it on Ctrl-C', async () => {
    const first = await startServer(env);
    const pm = postmasterPid();
    first.child.kill('SIGKILL');
    const second = await startServer(env);
    expect(second.output()).toMatch(
      /reusing embedded Postgres left running .* stops with this one/,
    );
    expect((await ready(second.url)).status).toBe(200);
    expect(postmasterPid()).toBe(pm);
    const exited = new Promise<number | null>((r) => second.child.once('exit', (c) => r(c)));
    second.child.kill('SIGINT');
    expect(await exited).toBe(0);
    const t0 = Date.now();
    while (processAlive(pm) && Date.now() - t0 < 10_000)
      await new Promise((r) => setTimeout(r, 100));
    expect(processAlive(pm)).toBe(false);
  }, 120_000);
});
