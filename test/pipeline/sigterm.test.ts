import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connect, type Sql } from '../../db/client.ts';
import { findSessionProcesses } from '../../runner/agent/proc.ts';
import { stall } from '../../runner/model-double/script.ts';
import { createScenarioScript } from '../../runner/model-double/scenario-script.ts';
import { startModelDouble, type ModelDouble } from '../../runner/model-double/server.ts';

/**
 * The server process is SIGKILLed while an agent session is in flight (the model double holds its
 * response open). After a restart the run completes; no step whose result was saved runs again;
 * the step in flight runs once more; the agent process from before the crash is gone; the live
 * log says the run was resumed after the restart.
 */
const ROOT = path.resolve(import.meta.dirname, '../..');

describe('pipeline: SIGTERM mid-session', () => {
  let double: ModelDouble;
  let admin: Sql;
  let sql: Sql;
  let dbName: string;
  let url: string;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'sg-sigterm-'));
  chmodSync(dataDir, 0o755);
  const children: ChildProcess[] = [];
  let implementCalls = 0;

  beforeAll(async () => {
    const base = inject('databaseUrl');
    dbName = `sg_sigterm_${randomBytes(5).toString('hex')}`;
    admin = connect(base, { max: 1 });
    await admin.unsafe(`CREATE DATABASE ${dbName}`);
    const u = new URL(base);
    u.pathname = `/${dbName}`;
    url = u.toString();
    sql = connect(url, { max: 2 });
    double = await startModelDouble({
      defaultScript: createScenarioScript({
        intercept: (task) => (task === 'implement' && implementCalls++ === 0 ? stall() : undefined),
      }),
    });
  });
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    await double.close();
    await sql.end();
    await admin.unsafe(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
    rmSync(dataDir, { recursive: true, force: true });
  });

  function startServer(): Promise<{ child: ChildProcess; url: string }> {
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      LANG: 'C.UTF-8',
      DATA_DIR: dataDir,
      PORT: '0',
      DATABASE_URL: url,
      ANTHROPIC_BASE_URL: double.url,
      ANTHROPIC_API_KEY: 'sk-ant-test-sigterm',
      CLAUDE_CODE_MAX_RETRIES: '1',
      LOG_LEVEL: 'warn',
    };
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/scenario-gen.ts'), 'start'], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let out = '';
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    return new Promise((resolve, reject) => {
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const m = out.match(/running at (http:\/\/\S+)/);
        if (m) resolve({ child, url: m[1]! });
      });
      child.on('exit', (code) => reject(new Error(`server exited ${code}: ${out}`)));
    });
  }

  async function until<T>(
    what: string,
    fn: () => Promise<T | undefined>,
    timeoutMs = 90_000,
  ): Promise<T> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const v = await fn();
      if (v !== undefined) return v;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  it('stops within its grace period, records the session as interrupted, and the run completes after a restart', async () => {
    const first = await startServer();
    const post = async (base: string, p: string, body?: unknown) =>
      (
        await fetch(`${base}${p}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body ?? {}),
        })
      ).json() as Promise<{ id: string }>;
    const campaign = await post(first.url, '/api/campaigns', { name: 'Crash' });
    const scenario = await post(first.url, '/api/scenarios', {
      campaignId: campaign.id,
      title: 'Crash test',
      request: 'Survive a crash',
      config: { planningIterations: 1, implementationIterations: 1, validationFixes: 1 },
    });
    const run = await post(first.url, `/api/scenarios/${scenario.id}/generate`);

    const stalled = await until('the implementation session to hang', async () => {
      const [row] = await sql<
        { session_id: string }[]
      >`SELECT session_id FROM agent_interactions WHERE run_id = ${run.id} AND step_key = 'implement-1' AND status = 'running'`;
      return row && findSessionProcesses(row.session_id).length && implementCalls > 0
        ? row.session_id
        : undefined;
    });
    const t0 = Date.now();
    first.child.kill('SIGTERM');
    await new Promise((r) => first.child.once('exit', r));
    // The server stops within its grace period (5 s to settle in-flight runs, then it stops them).
    expect(Date.now() - t0).toBeLessThan(20_000);
    // The session it stopped is recorded as interrupted (not failed, not cancelled), and the
    // agent's processes are gone with it.
    const [was] = await sql<
      { outcome: string }[]
    >`SELECT outcome FROM agent_interactions WHERE session_id = ${stalled}`;
    expect(was?.outcome).toBe('interrupted');
    expect(findSessionProcesses(stalled)).toEqual([]);

    const second = await startServer();
    const status = await until(
      'the run to finish',
      async () => {
        const [s] = await sql<
          { status: string }[]
        >`SELECT status FROM scenarios WHERE id = ${scenario.id}`;
        return s && ['deployed', 'failed', 'cancelled'].includes(s.status) ? s.status : undefined;
      },
      120_000,
    );
    expect(status).toBe('deployed');
    expect(findSessionProcesses(stalled)).toEqual([]);
    const perStep = await sql<{ step_key: string; n: number }[]>`
      SELECT step_key, count(*)::int AS n FROM agent_interactions WHERE run_id = ${run.id} GROUP BY step_key ORDER BY step_key`;
    expect(Object.fromEntries(perStep.map((r) => [r.step_key, r.n]))).toEqual({
      'plan-1': 1,
      'score-1': 1,
      'implement-1': 2,
    });
    const [old] = await sql<
      { outcome: string }[]
    >`SELECT outcome FROM agent_interactions WHERE session_id = ${stalled}`;
    expect(old!.outcome).toBe('interrupted');
    // Its live log says it went on after the restart, once.
    const logs = (await (
      await fetch(`${second.url}/api/scenarios/${scenario.id}/logs?after=0&limit=1000`)
    ).json()) as { items: { runId: string; message: string }[] };
    expect(
      logs.items.filter(
        (l) => l.runId === run.id && l.message.startsWith('Resumed after a restart'),
      ),
    ).toHaveLength(1);
    second.child.kill('SIGTERM');
    await new Promise((r) => second.child.once('exit', r));
  }, 240_000);
});
