import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFsStore } from '../core/store/fs.ts';
import type { ObjectStore } from '../core/store/port.ts';
import { createMemoryRecorder } from '../runner/agent/memory-recorder.ts';
import { httpError, structured, text, type ScriptFn } from '../runner/model-double/script.ts';
import { runAgentSession, type AgentSessionDeps } from '../runner/session.ts';
import { startLiveHarness, type LiveHarness } from '../runner/testing/live.ts';
import { renderTemplate } from './render.ts';
import { ScoreAnswer, scoreJsonSchema } from './schemas.ts';
import { askStructured } from './structured.ts';

/** Structured answers through the real CLI's --json-schema, with one corrective retry. */
let h: LiveHarness;
let store: ObjectStore;
let dir: string;
beforeAll(async () => {
  h = await startLiveHarness();
  dir = await mkdtemp(path.join(tmpdir(), 'sg-structured-'));
  store = createFsStore(dir);
  await store.init();
});
afterAll(async () => {
  await h?.close();
  await rm(dir, { recursive: true, force: true });
});

const deps = (): AgentSessionDeps => ({
  agent: h.agent,
  store,
  publish: () => {},
  recorder: createMemoryRecorder(),
  secrets: [],
  transcriptCapBytes: 1 << 20,
});
const prompt = renderTemplate('score-plan', {
  request: 'A todo app',
  resources: '- postgres',
  plan: '# Plan\nUse postgres.',
});
const good = {
  completeness: 20,
  feasibility: 18,
  clarity: 15,
  risk: 12,
  critique: 'Name the port.',
};

/** Answers wrongly first (per `first`), and correctly only once the prompt carries a correction. */
function correctedOnRetry(first: 'text' | 'invalid'): ScriptFn {
  return (ctx) => {
    if (ctx.position > 0) return text('done');
    if (ctx.prompt.includes('## Correction')) return structured(good);
    return first === 'text' ? text('Looks fine to me.') : structured({ ...good, critique: '   ' });
  };
}

async function run(script: ScriptFn | Parameters<LiveHarness['session']>[0]) {
  const s = await h.session(script, { maxTurns: 4 });
  return askStructured(
    async (correction) =>
      (
        await runAgentSession(deps(), {
          request: {
            ...s.request,
            sessionId: correction ? randomUUID() : s.request.sessionId,
            prompt: prompt.text + (correction ?? ''),
            jsonSchema: scoreJsonSchema,
          },
          template: { name: prompt.template, version: prompt.version },
        })
      ).outcome,
    ScoreAnswer,
  );
}

describe.concurrent('askStructured', { timeout: 180_000 }, () => {
  it('an answered schema is validated and returned', async () => {
    const r = await run([structured(good)]);
    expect(r.answer).toEqual(good);
    expect(r.attempts).toHaveLength(1);
  });

  it('a missing answer gets one corrective retry that says what was wrong', async () => {
    const r = await run(correctedOnRetry('text'));
    expect(r.answer).toEqual(good);
    expect(r.attempts).toHaveLength(2);
    expect(r.attempts[0]?.class).toBe('structured_output_missing');
    const retry = h.double.requests.find(
      (q) => q.sessionHeader === r.attempts[1]?.sessionId && q.kind === 'messages',
    );
    expect(retry?.context?.prompt).toContain('did not use the structured output tool');
  });

  it('an answer the CLI accepts but valibot rejects is corrected once with the issues named', async () => {
    const r = await run(correctedOnRetry('invalid'));
    expect(r.answer).toEqual(good);
    const retry = h.double.requests.find(
      (q) => q.sessionHeader === r.attempts[1]?.sessionId && q.kind === 'messages',
    );
    expect(retry?.context?.prompt).toContain('critique: must not be blank');
  });

  it('still missing after the retry → structured_output_missing', async () => {
    const r = await run(() => text('I refuse to use tools.'));
    expect(r.answer).toBeUndefined();
    expect(r.outcome).toMatchObject({ class: 'structured_output_missing', retryable: false });
    expect(r.attempts).toHaveLength(2);
  });

  it('still malformed after the retry → structured_output_invalid with the issues', async () => {
    const r = await run((ctx) =>
      ctx.position > 0 ? text('done') : structured({ ...good, critique: ' ' }),
    );
    expect(r.outcome.class).toBe('structured_output_invalid');
    expect(r.issues).toEqual(['critique: must not be blank']);
  });

  it('a session failure is passed through without a corrective retry', async () => {
    const r = await run([httpError(429)]);
    expect(r.outcome).toMatchObject({ class: 'usage_limit', retryable: true });
    expect(r.attempts).toHaveLength(1);
  });
});
