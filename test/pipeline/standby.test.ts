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
 * the step in flight runs once more; the agent process from before the crash is gone.
 */
const ROOT = path.resolve(import.meta.dirname, '../..');

describe('pipeline: one executor per database, a standby takes over', () => {
  let double: ModelDouble;
  let admin: Sql;
  let sql: Sql;
  let dbName: string;
  let url: string;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'sg-standby-'));
  chmodSync(dataDir, 0o755);
  const children: ChildProcess[] = [];
  let implementCalls = 0;

  beforeAll(async () => {
    const base = inject('databaseUrl');
    dbName = `sg_standby_${randomBytes(5).toString('hex')}`;
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

  function startServer(): Promise<{ child: ChildProcess; url: string; output(): string }> {
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      LANG: 'C.UTF-8',
      DATA_DIR: dataDir,
      PORT: '0',
      DATABASE_URL: url,
      ANTHROPIC_BASE_URL: double.url,
      ANTHROPIC_API_KEY: 'sk-ant-test-standby',
      CLAUDE_CODE_MAX_RETRIES: '1',
      LOG_LEVEL: 'info',
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
        if (m) resolve({ child, url: m[1]!, output: () => out });
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

  it('the second process stands by; when the owner is SIGKILLed mid-session it takes over and the run completes', async () => {
    const owner = await startServer();
    const standby = await startServer();
    expect(owner.output()).toMatch(/this process runs the local executor/);
    expect(standby.output()).toMatch(/stands by/);
    // The run is started through the standby's API; the owner runs it.
    const post = async (base: string, p: string, body?: unknown) =>
      (
        await fetch(`${base}${p}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body ?? {}),
        })
      ).json() as Promise<{ id: string }>;
    const campaign = await post(standby.url, '/api/campaigns', { name: 'Standby' });
    const scenario = await post(standby.url, '/api/scenarios', {
      campaignId: campaign.id,
      title: 'Standby test',
      request: 'Survive the owner dying',
      config: { planningIterations: 1, implementationIterations: 1, validationFixes: 1 },
    });
    const run = await post(standby.url, `/api/scenarios/${scenario.id}/generate`);
    const stalled = await until('the implementation session to hang', async () => {
      const [row] = await sql<
        { session_id: string }[]
      >`SELECT session_id FROM agent_interactions WHERE run_id = ${run.id} AND step_key = 'implement-1' AND status = 'running'`;
      return row && findSessionProcesses(row.session_id).length && implementCalls > 0
        ? row.session_id
        : undefined;
    });
    // Nothing ran twice while both were up: one plan session, one implementation session.
    const [{ n } = { n: 0 }] = await sql<{ n: number }[]>`
      SELECT count(*)::int AS n FROM agent_interactions WHERE run_id = ${run.id} AND step_key = 'plan-1'`;
    expect(n).toBe(1);
    owner.child.kill('SIGKILL');
    await new Promise((r) => owner.child.once('exit', r));

    const status = await until(
      'the run to finish on the standby',
      async () => {
        const [s] = await sql<
          { status: string }[]
        >`SELECT status FROM scenarios WHERE id = ${scenario.id}`;
        return s && ['deployed', 'failed', 'cancelled'].includes(s.status) ? s.status : undefined;
      },
      120_000,
    );
    expect(status).toBe('deployed');
    expect(standby.output()).toMatch(/the owner is gone; this process takes over/);
    // The dead owner's agent was stopped by the process that took over.
    expect(findSessionProcesses(stalled)).toEqual([]);
    const perStep = await sql<{ step_key: string; n: number }[]>`
      SELECT step_key, count(*)::int AS n FROM agent_interactions WHERE run_id = ${run.id} GROUP BY step_key ORDER BY step_key`;
    expect(Object.fromEntries(perStep.map((r) => [r.step_key, r.n]))).toMatchObject({
      'plan-1': 1,
      'score-1': 1,
      'implement-1': 2,
    });
    standby.child.kill('SIGTERM');
    await new Promise((r) => standby.child.once('exit', r));
  }, 240_000);
});
