import { execa } from 'execa';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDbInteractionRecorder, getInteraction } from '../db/agent-interactions.ts';
import { createTestDb, type TestDb } from '../test/support/db.ts';
import { createMemoryRecorder } from './agent/memory-recorder.ts';
import { listProcesses } from './agent/proc.ts';
import { stall, toolUse } from './model-double/script.ts';
import { reapOrphans } from './orphans.ts';
import { startLiveHarness, type LiveHarness } from './testing/live.ts';

/**
 * A runner process dies (SIGKILL) while its session runs; the CLI and the background command it
 * started live on. Starting again, the runner finds and stops them and marks the session crashed.
 */
let h: LiveHarness;
let db: TestDb;
beforeAll(async () => {
  h = await startLiveHarness();
  db = await createTestDb();
});
afterAll(async () => {
  await h?.close();
  await db?.drop();
});

describe('orphan recovery', { timeout: 120_000 }, () => {
  it('stops what a killed runner left running and marks it crashed', async () => {
    const marker = `sg-orphan-bg-${Date.now()}`;
    const s = await h.session(
      [
        toolUse('Bash', {
          command: `sleep 300 # ${marker}`,
          description: 'wait',
          run_in_background: true,
        }),
        stall(),
      ],
      {
        allowedTools: ['Bash(sleep:*)'],
        timeoutMs: 600_000,
        idleTimeoutMs: 600_000,
      },
    );
    const dataRoot = path.join(h.root, 'runner-data');
    const child = execa(
      process.execPath,
      [
        path.join(import.meta.dirname, 'testing', 'orphan-child.ts'),
        JSON.stringify({
          dbUrl: db.url,
          schema: db.schema,
          dataRoot,
          runnerId: 'r1',
          request: s.request,
        }),
      ],
      {
        reject: false,
        stdout: 'pipe',
        stderr: 'pipe',
      },
    );
    const alive = (): boolean => listProcesses().some((p) => p.cmdline.includes(marker));
    const until = Date.now() + 60_000;
    while (!alive() && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    expect(alive()).toBe(true);
    child.kill('SIGKILL');
    await child;

    // The runner is gone; its session is not.
    const pidFiles = readdirSync(path.join(dataRoot, 'pids'));
    expect(pidFiles).toEqual([`${s.request.sessionId}.json`]);
    const before = await getInteraction(db.sql, s.request.sessionId);
    expect(before).toMatchObject({ status: 'running', runnerId: 'r1' });
    expect(listProcesses().some((p) => p.pid === before?.pid)).toBe(true);

    const report = await reapOrphans({
      dataRoot,
      runnerId: 'r1',
      recorder: createDbInteractionRecorder(db.sql),
      graceMs: 1500,
    });
    expect(report.sessions).toEqual([s.request.sessionId]);
    expect(report.stopped).toContain(before?.pid);
    expect(alive()).toBe(false);
    expect(h.leftovers({ ...s, pid: before?.pid ?? undefined })).toEqual([]);
    expect(existsSync(path.join(dataRoot, 'pids', `${s.request.sessionId}.json`))).toBe(false);
    expect(await getInteraction(db.sql, s.request.sessionId)).toMatchObject({
      status: 'finished',
      outcome: 'crashed',
    });
  });

  it("never touches a live process that is not the session's (a reused pid)", async () => {
    const recorder = createMemoryRecorder();
    await recorder.start({
      sessionId: '0b6f0c1e-3a53-4b8e-9d5e-1f0e8b1f9a01',
      agent: 'claude-code',
      promptTemplate: 't',
      promptVersion: 'v',
      runnerId: 'r2',
    });
    await recorder.setPid('0b6f0c1e-3a53-4b8e-9d5e-1f0e8b1f9a01', process.pid);
    const report = await reapOrphans({
      dataRoot: path.join(h.root, 'none'),
      runnerId: 'r2',
      recorder,
      graceMs: 100,
    });
    expect(report.stopped).toEqual([]);
    expect(report.sessions).toEqual(['0b6f0c1e-3a53-4b8e-9d5e-1f0e8b1f9a01']);
    expect(recorder.rows.get('0b6f0c1e-3a53-4b8e-9d5e-1f0e8b1f9a01')?.finish?.outcome).toBe(
      'crashed',
    );
  });
});

describe('leftovers of crashed sessions', () => {
  it('reaping removes their workspaces, HOMEs and scratch copies, and pid files where older releases kept them', async () => {
    const { mkdirSync, writeFileSync, readdirSync: ls } = await import('node:fs');
    const root = path.join(h.root, 'leftovers');
    mkdirSync(
      path.join(root, 'sessions', 'app', 'f3c1c0de-0000-4000-8000-000000000001', 'workspace'),
      {
        recursive: true,
      },
    );
    mkdirSync(path.join(root, 'check-abc'), { recursive: true });
    mkdirSync(path.join(root, 'deploy-def'), { recursive: true });
    mkdirSync(path.join(root, 'runner', 'pids'), { recursive: true });
    writeFileSync(
      path.join(root, 'runner', 'pids', '0b6f0c1e-3a53-4b8e-9d5e-1f0e8b1f9a02.json'),
      JSON.stringify({
        sessionId: '0b6f0c1e-3a53-4b8e-9d5e-1f0e8b1f9a02',
        pid: 999_999,
        runnerId: 'r3',
      }),
    );
    const report = await reapOrphans({ dataRoot: root, runnerId: 'r3', graceMs: 50 });
    expect(report.sessions).toEqual(['0b6f0c1e-3a53-4b8e-9d5e-1f0e8b1f9a02']);
    expect(report.removed).toBe(3);
    expect(ls(root).sort()).toEqual(['runner']);
    expect(ls(path.join(root, 'runner', 'pids'))).toEqual([]);
  });
});
