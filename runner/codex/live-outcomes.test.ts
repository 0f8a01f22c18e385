import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentOutcome } from '../agent/port.ts';
import { usageLimitHeaders } from '../model-double/responses-answer.ts';
import { httpError, structured, text, toolLoop, write, type Turn } from '../model-double/script.ts';
import { startCodexHarness, type CodexHarness } from '../testing/codex-live.ts';
import type { LiveSession } from '../testing/live.ts';
import { createCodexAgent } from './adapter.ts';

/**
 * The real Codex CLI against the model double's Responses API: every outcome class the model
 * side can cause. After each session, no process of it may be left.
 */
let h: CodexHarness;
beforeAll(async () => {
  h = await startCodexHarness();
});
afterAll(async () => {
  await h?.close();
});

async function runClean(s: LiveSession): Promise<AgentOutcome> {
  const outcome = await h.run(s);
  expect(h.leftovers(s)).toEqual([]);
  return outcome;
}

/** The double's script id of a session (its base URL names it). */
const scriptOf = (s: LiveSession): string =>
  /\/s\/([^/]+)\/v1$/.exec(s.request.env.OPENAI_BASE_URL ?? '')?.[1] ?? '';

const schema = {
  type: 'object',
  properties: { score: { type: 'number' } },
  required: ['score'],
  additionalProperties: false,
};

describe('Codex CLI outcomes against the model double', { timeout: 120_000 }, () => {
  it('success: a real apply_patch lands in the workspace; tokens counted, cost estimated', async () => {
    const s = await h.session(
      [write('notes/hello.txt', 'hello from the double\n'), text('Wrote it.')],
      {
        maxTurns: 5,
        maxBudgetUsd: 5,
        appendSystemPrompt: '-- be brief',
      },
    );
    const o = await runClean(s);
    expect(o).toMatchObject({
      class: 'success',
      retryable: false,
      exitCode: 0,
      turns: 2,
      resultText: 'Wrote it.',
      model: 'gpt-5.5',
      costEstimated: true,
    });
    expect(o.usage.inputTokens).toBeGreaterThan(0);
    expect(o.costUsd).toBeGreaterThan(0);
    expect(await readFile(path.join(s.workspace, 'notes/hello.txt'), 'utf8')).toBe(
      'hello from the double\n',
    );
    expect(
      s.events.map((e) => e.kind).filter((k) => k !== 'exit' && k !== 'stderr' && k !== 'notice'),
    ).toEqual(['spawn', 'init', 'tool_use', 'tool_result', 'text', 'result']);
    const main = h.double.requests.filter(
      (r) => r.scriptId === scriptOf(s) && r.kind === 'messages',
    );
    expect(main[0]?.context?.prompt).toBe('Do the scripted task.');
    expect(main[0]?.context?.toolNames).toContain('apply_patch');
  });

  it.each([
    ['401', 'not_authenticated', [httpError(401)], false],
    ['403', 'not_authenticated', [httpError(403)], false],
    ['429 rate limited', 'usage_limit', [httpError(429)], true],
    ['500', 'api_error', [httpError(500)], true],
    ['503', 'api_error', [httpError(503)], true],
  ] as const)('%s → %s', async (_label, cls, script, retryable) => {
    const s = await h.session([...script]);
    const o = await runClean(s);
    expect(o.class).toBe(cls);
    expect(o.retryable).toBe(retryable);
    expect(o.exitCode).toBe(1);
  });

  it('a usage limit with its reset time → usage_limit, resetAt from the rate-limit window', async () => {
    const reset = Math.floor(Date.now() / 1000) + 3600;
    const limit: Turn = {
      type: 'http_error',
      status: 429,
      errorType: 'usage_limit_reached',
      headers: usageLimitHeaders(reset),
    };
    const o = await runClean(await h.session([limit]));
    expect(o.class).toBe('usage_limit');
    expect(o.resetAt).toBe(new Date(reset * 1000).toISOString());
  });

  it('no API key at all → not_authenticated (the CLI does not call the model)', async () => {
    const s = await h.session([text('unreachable')]);
    delete s.request.env.OPENAI_API_KEY;
    const o = await runClean(s);
    expect(o.class).toBe('not_authenticated');
    expect(h.double.requests.some((r) => r.scriptId === scriptOf(s) && r.kind === 'messages')).toBe(
      false,
    );
  });

  it('a tool loop that never ends stops at the turn bound → max_turns', async () => {
    const o = await runClean(await h.session(toolLoop('loop.txt'), { maxTurns: 2 }));
    expect(o.class).toBe('max_turns');
    expect(o.retryable).toBe(false);
  });

  it('costly usage past the budget → budget_exceeded, tokens still counted', async () => {
    const s = await h.session(toolLoop('loop.txt', { inputTokens: 200_000, outputTokens: 1000 }), {
      maxBudgetUsd: 0.25,
      maxTurns: 10,
    });
    const o = await runClean(s);
    expect(o.class).toBe('budget_exceeded');
    expect(o.costUsd).toBeGreaterThan(0.25);
    expect(o.usage.inputTokens).toBeGreaterThanOrEqual(200_000);
  });

  it('--output-schema answered → success with the structured output', async () => {
    const s = await h.session([structured({ score: 4 })], { jsonSchema: schema });
    const o = await runClean(s);
    expect(o.class).toBe('success');
    expect(o.structuredOutput).toEqual({ score: 4 });
    const first = h.double.requests.find(
      (r) => r.scriptId === scriptOf(s) && r.kind === 'messages',
    );
    expect(first?.context?.structuredSchema).toMatchObject({ required: ['score'] });
  });

  it('--output-schema ignored → structured_output_missing (the CLI itself says success)', async () => {
    const o = await runClean(await h.session([text('no json')], { jsonSchema: schema }));
    expect(o.class).toBe('structured_output_missing');
  });

  it('an unknown flag → cli_usage_error, not retryable', async () => {
    const s = await h.session([text('unreachable')]);
    const o = await h.run(s, createCodexAgent({ extraArgs: ['--no-such-flag'] }));
    expect(h.leftovers(s)).toEqual([]);
    expect(o.class).toBe('cli_usage_error');
    expect(o.retryable).toBe(false);
    expect(o.message).toContain('--no-such-flag');
  });
});
