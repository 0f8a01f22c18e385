import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFsStore } from '../core/store/fs.ts';
import type { ObjectStore } from '../core/store/port.ts';
import { createDbInteractionRecorder, getInteraction } from '../db/agent-interactions.ts';
import { createTestDb, type TestDb } from '../test/support/db.ts';
import { createMemoryRecorder } from './agent/memory-recorder.ts';
import type { AgentEvent, AgentPort } from './agent/port.ts';
import { bash, text, write } from './model-double/script.ts';
import { createPidFileTracker } from './orphans.ts';
import { runAgentSession, type AgentSessionDeps } from './session.ts';
import { CANARY_KEY, startLiveHarness, type LiveHarness } from './testing/live.ts';

/**
 * One session wired end to end with the real CLI: transcript streamed to the object store (capped,
 * redacted), events published (redacted), the interaction recorded (in memory and in Postgres).
 */
let h: LiveHarness;
let store: ObjectStore;
let storeDir: string;
let db: TestDb;
beforeAll(async () => {
  h = await startLiveHarness();
  storeDir = await mkdtemp(path.join(tmpdir(), 'sg-session-store-'));
  store = createFsStore(storeDir);
  await store.init();
  db = await createTestDb();
});
afterAll(async () => {
  await h?.close();
  await store?.close();
  await db?.drop();
  await rm(storeDir, { recursive: true, force: true });
});

const template = { name: 'implement', version: 'abc123def456' };

function deps(
  extra: Partial<AgentSessionDeps> = {},
): AgentSessionDeps & { published: AgentEvent[] } {
  const published: AgentEvent[] = [];
  return {
    agent: h.agent,
    store,
    publish: async (e) => {
      published.push(e);
    },
    recorder: createMemoryRecorder(),
    secrets: [],
    transcriptCapBytes: 1024 * 1024,
    published,
    ...extra,
  };
}

describe('runAgentSession', { timeout: 120_000 }, () => {
  it('stores the transcript and publishes events with the key redacted everywhere', async () => {
    // The agent prints its environment, so the key is in the raw stream (tool result lines).
    const s = await h.session([bash('env'), text(`echo ${CANARY_KEY}`)], {
      allowedTools: ['Bash(env)'],
    });
    const recorder = createMemoryRecorder();
    const tracker = createPidFileTracker(h.root, 'runner-a');
    const d = deps({ recorder, tracker });
    let pidFileSeen = false;
    const publish = d.publish;
    d.publish = async (e) => {
      if (e.kind === 'init')
        pidFileSeen = existsSync(path.join(h.root, 'pids', `${s.request.sessionId}.json`));
      await publish(e);
    };
    const result = await runAgentSession(d, {
      request: s.request,
      template,
      context: { runnerId: 'runner-a', phase: 'implementing' },
    });
    expect(result.outcome.class).toBe('success');
    expect(result.transcriptKey).toBe(`transcripts/${s.request.sessionId}.jsonl`);
    const raw = (await store.get(result.transcriptKey as string)).toString('utf8');
    expect(raw.length).toBe(result.transcriptBytes);
    const lines = raw
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string });
    expect(lines[0]).toMatchObject({ type: 'system', subtype: 'init' });
    expect(lines.at(-1)).toMatchObject({ type: 'result' });
    expect(raw).toContain('[REDACTED]');
    expect(raw).not.toContain(CANARY_KEY);
    expect(JSON.stringify(d.published)).not.toContain(CANARY_KEY);
    expect(JSON.stringify(result)).not.toContain(CANARY_KEY);
    expect(d.published.map((e) => e.kind).filter((k) => k !== 'exit')).toEqual([
      'spawn',
      'init',
      'tool_use',
      'tool_result',
      'text',
      'result',
    ]);
    expect(d.published.filter((e) => e.kind === 'exit')).toEqual([
      { kind: 'exit', exitCode: 0, signal: null },
    ]);
    const row = recorder.rows.get(s.request.sessionId);
    expect(row).toMatchObject({
      status: 'finished',
      promptTemplate: 'implement',
      promptVersion: 'abc123def456',
      runnerId: 'runner-a',
      phase: 'implementing',
    });
    expect(row?.pid).toBeGreaterThan(1);
    expect(row?.finish).toMatchObject({
      outcome: 'success',
      turns: 2,
      transcriptTruncated: false,
      transcriptBytes: result.transcriptBytes,
    });
    expect(JSON.stringify(row)).not.toContain(CANARY_KEY);
    expect(pidFileSeen).toBe(true);
    expect(existsSync(path.join(h.root, 'pids', `${s.request.sessionId}.json`))).toBe(false);
  });

  it('stops storing at the cap and writes an explicit truncation marker', async () => {
    const big = 'x'.repeat(3000);
    const s = await h.session([write('a.txt', big), write('b.txt', big), text('done')]);
    const d = deps({ transcriptCapBytes: 4096 });
    const result = await runAgentSession(d, { request: s.request, template });
    expect(result.outcome.class).toBe('success');
    expect(result.transcriptTruncated).toBe(true);
    const raw = (await store.get(result.transcriptKey as string)).toString('utf8');
    const lines = raw.trim().split('\n');
    expect(JSON.parse(lines.at(-1) as string)).toMatchObject({
      type: 'transcript_truncated',
      cap_bytes: 4096,
    });
    expect(Buffer.byteLength(raw) - Buffer.byteLength(`${lines.at(-1)}\n`)).toBeLessThanOrEqual(
      4096,
    );
    // Events keep flowing past the cap.
    expect(d.published.some((e) => e.kind === 'result')).toBe(true);
  });

  it('records the interaction in Postgres (agent_interactions)', async () => {
    const s = await h.session([write('hello.txt', 'hi\n'), text('done')], {
      model: 'claude-sonnet-5-5',
    });
    const recorder = createDbInteractionRecorder(db.sql);
    const result = await runAgentSession(deps({ recorder }), {
      request: s.request,
      template,
      context: { runnerId: 'runner-db', stepKey: 'implement-1', iteration: 1 },
    });
    const row = await getInteraction(db.sql, s.request.sessionId);
    expect(row).toMatchObject({
      status: 'finished',
      outcome: 'success',
      agent: 'claude-code',
      model: 'claude-sonnet-5-5',
      promptTemplate: 'implement',
      promptVersion: 'abc123def456',
      runnerId: 'runner-db',
      stepKey: 'implement-1',
      iteration: 1,
      turns: 2,
      inputTokens: result.outcome.usage.inputTokens,
      outputTokens: result.outcome.usage.outputTokens,
      transcriptKey: result.transcriptKey,
      transcriptBytes: result.transcriptBytes,
      transcriptTruncated: false,
      permissionDenials: [],
    });
    expect(row?.costUsd).toBeCloseTo(result.outcome.costUsd, 6);
    expect(row?.pid).toBeGreaterThan(1);
    expect(row?.finishedAt).toBeInstanceOf(Date);
    expect(row?.outcomeDetail).toMatchObject({ retryable: false, exitCode: 0 });
  });

  it('a programming error is recorded as crashed and rethrown with secrets removed', async () => {
    const thrower: AgentPort = {
      name: 'broken',
      run: async () => {
        throw new Error(`bad request with ${CANARY_KEY}`);
      },
    };
    const recorder = createMemoryRecorder();
    const s = await h.session([text('unused')]);
    await expect(
      runAgentSession(deps({ agent: thrower, recorder }), { request: s.request, template }),
    ).rejects.toThrow(/bad request with \[REDACTED\]/);
    const row = recorder.rows.get(s.request.sessionId);
    expect(row?.finish?.outcome).toBe('crashed');
    expect(JSON.stringify(row)).not.toContain(CANARY_KEY);
  });
});
