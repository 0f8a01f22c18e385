import { describe, expect, it } from 'vitest';
import type { AgentEvent } from '../agent/port.ts';
import { decideOutcome } from './outcome.ts';
import { createStreamParser, LineSplitter, normaliseResetTime, type SplitLine } from './parse.ts';

const init = JSON.stringify({
  type: 'system',
  subtype: 'init',
  session_id: 's',
  model: 'm',
  tools: ['Write'],
  cwd: '/w',
});
const result = (o: Record<string, unknown>) =>
  JSON.stringify({
    type: 'result',
    subtype: 'success',
    is_error: false,
    num_turns: 1,
    total_cost_usd: 0,
    permission_denials: [],
    ...o,
  });

function run(
  lines: string[],
  extra: { jsonSchemaRequested?: boolean; exitCode?: number | null; stderrHead?: string } = {},
) {
  const p = createStreamParser();
  const events: AgentEvent[] = lines.flatMap((l) => p.parse(l));
  const outcome = decideOutcome({
    sessionId: 's',
    state: p.state,
    exitCode: extra.exitCode === undefined ? 1 : extra.exitCode,
    signal: null,
    stderrHead: extra.stderrHead ?? '',
    jsonSchemaRequested: extra.jsonSchemaRequested ?? false,
    durationMs: 5,
  });
  return { events, outcome };
}

describe('rate_limit_event lines (shape from DESIGN.md)', () => {
  const rejected = JSON.stringify({
    type: 'rate_limit_event',
    rate_limit_info: {
      status: 'rejected',
      resetsAt: 1795600000,
      rateLimitType: 'five_hour',
      extra: 1,
    },
    session_id: 's',
  });
  const synthetic = JSON.stringify({
    type: 'assistant',
    message: { model: '<synthetic>', content: [{ type: 'text', text: 'limit reached' }] },
    error: 'rate_limit',
    is_api_error_message: true,
  });

  it('a rejected limit gives usage_limit with the reset time', () => {
    const { events, outcome } = run([
      init,
      rejected,
      synthetic,
      result({ is_error: true, terminal_reason: 'api_error', api_error_status: null }),
    ]);
    expect(events.find((e) => e.kind === 'rate_limit')).toEqual({
      kind: 'rate_limit',
      status: 'rejected',
      resetsAt: new Date(1795600000 * 1000).toISOString(),
      limitType: 'five_hour',
    });
    expect(outcome).toMatchObject({
      class: 'usage_limit',
      retryable: true,
      resetAt: '2026-11-25T09:46:40.000Z',
    });
  });

  it('a rejected limit is kept over a later allowed report', () => {
    const allowed = JSON.stringify({
      type: 'rate_limit_event',
      rate_limit_info: { status: 'allowed' },
    });
    const { outcome } = run([
      init,
      rejected,
      allowed,
      result({ is_error: true, api_error_status: 429 }),
    ]);
    expect(outcome.resetAt).toBe('2026-11-25T09:46:40.000Z');
  });

  it('a warning does not make a successful session fail', () => {
    const warn = JSON.stringify({
      type: 'rate_limit_event',
      rate_limit_info: { status: 'allowed_warning', resetsAt: '2026-12-01T00:00:00Z' },
    });
    const { events, outcome } = run([init, warn, result({ result: 'ok' })], { exitCode: 0 });
    expect(events.find((e) => e.kind === 'rate_limit')).toMatchObject({
      status: 'allowed_warning',
      resetsAt: '2026-12-01T00:00:00.000Z',
    });
    expect(outcome.class).toBe('success');
    expect(outcome.resetAt).toBeUndefined();
  });

  it('a 429 without any rate_limit_event has no reset time', () => {
    const { outcome } = run([init, result({ is_error: true, api_error_status: 429 })]);
    expect(outcome.class).toBe('usage_limit');
    expect(outcome.resetAt).toBeUndefined();
  });

  it('reset times in seconds, milliseconds and ISO agree', () => {
    const iso = '2026-11-25T09:46:40.000Z';
    expect(normaliseResetTime(1795600000)).toBe(iso);
    expect(normaliseResetTime(1795600000000)).toBe(iso);
    expect(normaliseResetTime('1795600000')).toBe(iso);
    expect(normaliseResetTime(iso)).toBe(iso);
    expect(normaliseResetTime('soon')).toBeUndefined();
  });
});

describe('classification from structured fields', () => {
  it.each([
    [{ subtype: 'error_max_turns', is_error: true }, 'max_turns'],
    [{ subtype: 'error_max_budget_usd', is_error: true }, 'budget_exceeded'],
    [{ is_error: true, api_error_status: 401 }, 'not_authenticated'],
    [{ is_error: true, api_error_status: 529 }, 'api_error'],
    [{ is_error: true, api_error_status: 500 }, 'api_error'],
    [{ is_error: true, subtype: 'success', terminal_reason: 'api_error' }, 'api_error'],
    [{ is_error: true, subtype: 'error_during_execution' }, 'crashed'],
  ])('%j → %s', (fields, cls) => {
    expect(run([init, result(fields)]).outcome.class).toBe(cls);
  });

  it('never reads the result text: an error-looking text in a success is success', () => {
    expect(
      run([init, result({ result: 'API Error: 429 rate limited, not logged in' })], { exitCode: 0 })
        .outcome.class,
    ).toBe('success');
  });

  it('stderr is used only for usage errors before the stream starts', () => {
    const usage = run([], { stderrHead: "error: unknown option '--bogus'\n" });
    expect(usage.outcome).toMatchObject({ class: 'cli_usage_error', retryable: false });
    const late = run([init], { stderrHead: "error: unknown option '--bogus'\n" });
    expect(late.outcome.class).toBe('crashed');
    expect(run([], { stderrHead: 'Segmentation fault\n' }).outcome.class).toBe('crashed');
  });

  it('usage falls back to modelUsage when usage is zero (error results)', () => {
    const { outcome } = run([
      init,
      result({
        subtype: 'error_max_budget_usd',
        is_error: true,
        usage: { input_tokens: 0, output_tokens: 0 },
        modelUsage: {
          a: {
            inputTokens: 7,
            outputTokens: 3,
            cacheReadInputTokens: 2,
            cacheCreationInputTokens: 1,
          },
        },
      }),
    ]);
    expect(outcome.usage).toEqual({
      inputTokens: 7,
      outputTokens: 3,
      cacheReadTokens: 2,
      cacheCreationTokens: 1,
    });
  });
});

describe('parser tolerance', () => {
  it('skips unknown line types and system subtypes, reports bad JSON and bad shapes', () => {
    const p = createStreamParser();
    expect(p.parse(JSON.stringify({ type: 'stream_event', event: {} }))).toEqual([]);
    expect(p.parse(JSON.stringify({ type: 'system', subtype: 'hook_started', x: 1 }))).toEqual([]);
    expect(p.parse('{not json')).toEqual([
      { kind: 'notice', message: 'unparsable output line (9 chars)' },
    ]);
    expect(p.parse(JSON.stringify({ type: 'result', subtype: 1 }))[0]).toMatchObject({
      kind: 'notice',
    });
    expect(p.state.unparsed).toBe(2);
    expect(p.state.result).toBeUndefined();
  });
});

describe('LineSplitter', () => {
  const collect = (max: number) => {
    const out: SplitLine[] = [];
    return { out, s: new LineSplitter((l) => out.push(l), max) };
  };

  it('joins lines split across chunks, including a multi-byte character', () => {
    const { out, s } = collect(1000);
    const data = Buffer.from('{"a":"€uro"}\r\n{"b":2}\n\n{"c"');
    for (const b of data) s.push(Buffer.from([b]));
    s.push(Buffer.from(':3}'));
    s.end();
    expect(out.map((l) => l.text)).toEqual(['{"a":"€uro"}', '{"b":2}', '{"c":3}']);
  });

  it('cuts an over-long line at the cap and keeps going', () => {
    const { out, s } = collect(10);
    s.push(Buffer.from('0123456789ABCDEF'));
    s.push(Buffer.from('GHIJ\nok\n'));
    s.push(Buffer.from(`${'x'.repeat(25)}\n`));
    expect(out).toEqual([
      { text: '0123456789', truncated: true, bytes: 20 },
      { text: 'ok', truncated: false, bytes: 2 },
      { text: 'xxxxxxxxxx', truncated: true, bytes: 25 },
    ]);
  });
});
