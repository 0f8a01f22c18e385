import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import type { AgentEvent, AgentOutcome } from '../agent/port.ts';
import { decideOutcome, type OutcomeFacts } from './outcome.ts';
import { createStreamParser, LineSplitter } from './parse.ts';

/** Every real recording of the CLI parses into the right events and the right outcome. */
const dir = path.join(inject('sharedDir'), 'fixtures', 'claude-code');

function replay(
  file: string,
  facts: Partial<OutcomeFacts>,
  chunk = 97,
): { events: AgentEvent[]; outcome: AgentOutcome } {
  const bytes = readFileSync(path.join(dir, file));
  const parser = createStreamParser();
  const events: AgentEvent[] = [];
  const splitter = new LineSplitter((l) => events.push(...parser.parse(l.text)), 1 << 20);
  // Odd chunk sizes split lines (and multi-byte characters) across chunks, as a pipe does.
  for (let i = 0; i < bytes.length; i += chunk) splitter.push(bytes.subarray(i, i + chunk));
  splitter.end();
  const outcome = decideOutcome({
    sessionId: 'fixture',
    state: parser.state,
    exitCode: 1,
    signal: null,
    stderrHead: '',
    jsonSchemaRequested: false,
    durationMs: 1,
    ...facts,
  });
  return { events, outcome };
}

const kinds = (events: AgentEvent[]) => events.map((e) => e.kind);

describe('recorded CLI output', () => {
  it('covers every recording in the fixtures folder', () => {
    const files = readdirSync(dir).filter((f) => f.endsWith('.jsonl'));
    expect(files.sort()).toEqual(
      [
        'real-claude-2.1.328-api-401-retrying-killed.jsonl',
        'real-claude-2.1.328-api-429.jsonl',
        'real-claude-2.1.328-api-529-max-retries-1.jsonl',
        'real-claude-2.1.328-api-529-retrying-killed.jsonl',
        'real-claude-2.1.328-json-schema-answered.jsonl',
        'real-claude-2.1.328-json-schema-ignored.jsonl',
        'real-claude-2.1.328-mock-model-write.jsonl',
        'real-claude-2.1.328-not-logged-in.jsonl',
        'real-claude-2.1.328-write-outside-workspace-denied.jsonl',
      ].sort(),
    );
  });

  it('not logged in is not_authenticated, not success', () => {
    const { events, outcome } = replay('real-claude-2.1.328-not-logged-in.jsonl', { exitCode: 1 });
    expect(kinds(events)).toEqual(['init', 'text', 'result']);
    expect(events[2]).toMatchObject({ kind: 'result', isError: true, subtype: 'success' });
    expect(outcome).toMatchObject({
      class: 'not_authenticated',
      retryable: false,
      exitCode: 1,
      turns: 1,
    });
  });

  it('a scripted Write is a success with usage and cost', () => {
    const { events, outcome } = replay(
      'real-claude-2.1.328-mock-model-write.jsonl',
      { exitCode: 0 },
      13,
    );
    expect(kinds(events)).toEqual(['init', 'tool_use', 'tool_result', 'text', 'result']);
    expect(events[1]).toEqual({
      kind: 'tool_use',
      id: 'toolu_2',
      tool: 'Write',
      summary: '/workspace/run-1/hello.txt',
    });
    expect(events[2]).toMatchObject({ kind: 'tool_result', toolUseId: 'toolu_2', isError: false });
    expect(outcome).toMatchObject({
      class: 'success',
      model: 'claude-opus-5-5',
      turns: 2,
      costUsd: 0.0005960000000000001,
      usage: { inputTokens: 24, outputTokens: 25, cacheReadTokens: 0, cacheCreationTokens: 0 },
      resultText: 'Done: wrote hello.txt',
      permissionDenials: [],
    });
  });

  it('429 is usage_limit without a reset time (the caller backs off)', () => {
    const { outcome } = replay('real-claude-2.1.328-api-429.jsonl', {});
    expect(outcome.class).toBe('usage_limit');
    expect(outcome.retryable).toBe(true);
    expect(outcome.resetAt).toBeUndefined();
  });

  it('529 with bounded retries is a retryable api_error, the retry shown as an event', () => {
    const { events, outcome } = replay('real-claude-2.1.328-api-529-max-retries-1.jsonl', {});
    expect(events.filter((e) => e.kind === 'api_retry')).toEqual([
      {
        kind: 'api_retry',
        attempt: 1,
        maxRetries: 1,
        delayMs: 535,
        status: 529,
        error: 'overloaded',
      },
    ]);
    expect(outcome).toMatchObject({ class: 'api_error', retryable: true });
  });

  it.each([
    ['real-claude-2.1.328-api-529-retrying-killed.jsonl', 529],
    ['real-claude-2.1.328-api-401-retrying-killed.jsonl', 401],
  ])(
    '%s: retries are events; stopped by us it is timed_out, killed otherwise crashed',
    (file, status) => {
      const stopped = replay(file, {
        exitCode: null,
        signal: 'SIGTERM',
        stoppedFor: 'timeout',
        timeoutMs: 120_000,
      });
      const retries = stopped.events.filter((e) => e.kind === 'api_retry');
      expect(retries).toHaveLength(9);
      expect(
        retries.every((e) => e.kind === 'api_retry' && e.status === status && e.maxRetries === 10),
      ).toBe(true);
      expect(stopped.outcome.class).toBe('timed_out');
      expect(replay(file, { exitCode: null, signal: 'SIGKILL' }).outcome.class).toBe('crashed');
    },
  );

  it('a structured answer is carried in the outcome', () => {
    const { events, outcome } = replay('real-claude-2.1.328-json-schema-answered.jsonl', {
      exitCode: 0,
      jsonSchemaRequested: true,
    });
    expect(events.find((e) => e.kind === 'tool_use')).toMatchObject({
      tool: 'StructuredOutput',
      summary: 'fields: score',
    });
    expect(outcome).toMatchObject({ class: 'success', structuredOutput: { score: 7.5 } });
  });

  it('an ignored schema is structured_output_missing although the CLI says success', () => {
    const { outcome } = replay('real-claude-2.1.328-json-schema-ignored.jsonl', {
      exitCode: 0,
      jsonSchemaRequested: true,
    });
    expect(outcome.class).toBe('structured_output_missing');
    expect(outcome.structuredOutput).toBeUndefined();
    // Without a schema asked for, the same stream is a plain success.
    expect(
      replay('real-claude-2.1.328-json-schema-ignored.jsonl', { exitCode: 0 }).outcome.class,
    ).toBe('success');
  });

  it('a write outside the workspace is a permission denial', () => {
    const { events, outcome } = replay('real-claude-2.1.328-write-outside-workspace-denied.jsonl', {
      exitCode: 0,
    });
    expect(kinds(events)).toEqual([
      'init',
      'tool_use',
      'permission_denied',
      'tool_result',
      'text',
      'result',
    ]);
    expect(events[3]).toMatchObject({ kind: 'tool_result', isError: true });
    expect(outcome.class).toBe('success');
    expect(outcome.permissionDenials).toEqual([{ tool: 'Write', path: '/srv/outside-probe.txt' }]);
  });
});
