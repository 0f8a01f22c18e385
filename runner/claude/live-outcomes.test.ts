import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentOutcome } from '../agent/port.ts';
import { createClaudeCodeAgent } from './adapter.ts';
import { httpError, malformed, structured, text, toolLoop, write } from '../model-double/script.ts';
import { startLiveHarness, type LiveHarness, type LiveSession } from '../testing/live.ts';

/**
 * The real Claude Code CLI against the model double: every outcome class the model side can
 * cause. After each session, no process of it may be left.
 */
let h: LiveHarness;
beforeAll(async () => {
  h = await startLiveHarness();
});
afterAll(async () => {
  await h?.close();
});

async function runClean(s: LiveSession): Promise<AgentOutcome> {
  const outcome = await h.run(s);
  expect(h.leftovers(s)).toEqual([]);
  expect(s.events.some((e) => e.kind === 'stderr' && /unknown option/.test(e.text))).toBe(false);
  return outcome;
}

const schema = {
  type: 'object',
  properties: { score: { type: 'number' } },
  required: ['score'],
  additionalProperties: false,
};

describe.concurrent('Claude Code outcomes against the model double', { timeout: 180_000 }, () => {
  it('success: a real Write lands in the workspace, with every option the adapter builds accepted', async () => {
    const s = await h.session(
      [write('notes/hello.txt', 'hello from the double\n'), text('Wrote it.')],
      {
        model: 'claude-sonnet-5-5',
        maxTurns: 5,
        maxBudgetUsd: 5,
        appendSystemPrompt: '-- be brief',
        allowedTools: ['Write(./**)', 'Edit(./**)', 'Bash(npm test:*)'],
        disallowedTools: ['WebFetch', 'WebSearch'],
      },
    );
    const o = await runClean(s);
    expect(o).toMatchObject({
      class: 'success',
      retryable: false,
      exitCode: 0,
      turns: 2,
      resultText: 'Wrote it.',
      model: 'claude-sonnet-5-5',
    });
    expect(o.costUsd).toBeGreaterThan(0);
    expect(o.usage.inputTokens).toBeGreaterThan(0);
    expect(await readFile(path.join(s.workspace, 'notes/hello.txt'), 'utf8')).toBe(
      'hello from the double\n',
    );
    expect(s.events.map((e) => e.kind).filter((k) => k !== 'exit')).toEqual([
      'spawn',
      'init',
      'tool_use',
      'tool_result',
      'text',
      'result',
    ]);
    expect(s.events.filter((e) => e.kind === 'exit')).toEqual([
      { kind: 'exit', exitCode: 0, signal: null },
    ]);
    const main = h.double.requests.filter(
      (r) => r.sessionHeader === s.request.sessionId && r.kind === 'messages',
    );
    expect(main[0]?.context?.prompt).toBe('Do the scripted task.');
    expect(
      JSON.stringify(main[0]?.body?.system ?? '') + JSON.stringify(main[0]?.body?.messages ?? ''),
    ).toContain('-- be brief');
  });

  it.each([
    ['401', 'not_authenticated', [httpError(401)], false],
    ['429', 'usage_limit', [httpError(429)], true],
    ['529', 'api_error', [httpError(529)], true],
    ['500', 'api_error', [httpError(500)], true],
    ['a malformed stream event', 'api_error', [malformed()], true],
  ] as const)('%s → %s', async (_label, cls, script, retryable) => {
    const s = await h.session([...script]);
    const o = await runClean(s);
    expect(o.class).toBe(cls);
    expect(o.retryable).toBe(retryable);
    expect(o.exitCode).toBe(1);
    if (cls === 'usage_limit') expect(o.resetAt).toBeUndefined();
  });

  it('no credentials at all → not_authenticated (the CLI does not even call the model)', async () => {
    const s = await h.session([text('unreachable')]);
    delete s.request.env.ANTHROPIC_API_KEY;
    const o = await runClean(s);
    expect(o.class).toBe('not_authenticated');
    expect(h.double.requests.some((r) => r.sessionHeader === s.request.sessionId)).toBe(false);
  });

  it('a tool loop that never ends stops at --max-turns → max_turns', async () => {
    const s = await h.session(toolLoop('loop.txt'), { maxTurns: 2 });
    const o = await runClean(s);
    expect(o.class).toBe('max_turns');
    expect(o.retryable).toBe(false);
  });

  it('costly usage past --max-budget-usd → budget_exceeded, tokens still counted', async () => {
    const s = await h.session(
      toolLoop('loop.txt', { inputTokens: 2_000_000, outputTokens: 1000 }),
      { maxBudgetUsd: 0.25, maxTurns: 10 },
    );
    const o = await runClean(s);
    expect(o.class).toBe('budget_exceeded');
    expect(o.costUsd).toBeGreaterThan(0.25);
    expect(o.usage.inputTokens).toBeGreaterThanOrEqual(2_000_000);
  });

  it('--json-schema answered → success with the structured output', async () => {
    const s = await h.session([structured({ score: 4 })], { jsonSchema: schema });
    const o = await runClean(s);
    expect(o.class).toBe('success');
    expect(o.structuredOutput).toEqual({ score: 4 });
    const first = h.double.requests.find(
      (r) => r.sessionHeader === s.request.sessionId && r.kind === 'messages',
    );
    expect(first?.context?.structuredSchema).toMatchObject({ required: ['score'] });
  });

  it('--json-schema ignored → structured_output_missing (the CLI itself says success)', async () => {
    const s = await h.session([text('no tool'), text('still no tool')], { jsonSchema: schema });
    const o = await runClean(s);
    expect(o.class).toBe('structured_output_missing');
    expect(s.events.find((e) => e.kind === 'result')).toMatchObject({
      isError: false,
      subtype: 'success',
    });
  });

  it('an unknown flag → cli_usage_error, not retryable', async () => {
    const s = await h.session([text('unreachable')]);
    const o = await h.run(s, createClaudeCodeAgent({ extraArgs: ['--no-such-flag'] }));
    expect(h.leftovers(s)).toEqual([]);
    expect(o.class).toBe('cli_usage_error');
    expect(o.retryable).toBe(false);
    expect(o.message).toContain("unknown option '--no-such-flag'");
  });
});
