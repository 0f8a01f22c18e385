import { randomUUID } from 'node:crypto';
import { createStreamParser, LineSplitter } from '../../runner/claude/parse.ts';
import { createRedactor } from '../../runner/redact.ts';

/** Parser throughput for test/bench/runner.ts: a generated transcript and the timed parse. */
const round = (x: number, d = 1): number => Math.round(x * 10 ** d) / 10 ** d;

/** A transcript of realistic stream-json lines (text, tool use, tool result, retry, unknown), repeated. */
export function syntheticTranscript(targetBytes: number): Buffer {
  const sid = randomUUID();
  const content = `${'lorem ipsum dolor sit amet '.repeat(60)}\n`;
  const lines = [
    JSON.stringify({
      type: 'system',
      subtype: 'init',
      session_id: sid,
      model: 'claude-x',
      cwd: '/w',
      tools: ['Write', 'Edit', 'Read', 'Bash'],
      claude_code_version: '2.1.331',
    }),
    JSON.stringify({
      type: 'assistant',
      message: { id: 'm', model: 'claude-x', content: [{ type: 'text', text: content }] },
      session_id: sid,
      uuid: randomUUID(),
    }),
    JSON.stringify({
      type: 'assistant',
      message: {
        id: 'm',
        model: 'claude-x',
        content: [
          {
            type: 'tool_use',
            id: 'toolu_1',
            name: 'Write',
            input: { file_path: '/w/src/app.ts', content },
          },
        ],
      },
      session_id: sid,
    }),
    JSON.stringify({
      type: 'user',
      message: {
        role: 'user',
        content: [
          { tool_use_id: 'toolu_1', type: 'tool_result', content: `File created: ${content}` },
        ],
      },
      session_id: sid,
      tool_use_result: { type: 'create', content },
    }),
    JSON.stringify({
      type: 'system',
      subtype: 'api_retry',
      attempt: 1,
      max_retries: 10,
      retry_delay_ms: 500,
      error_status: 529,
      error: 'overloaded',
      session_id: sid,
    }),
    JSON.stringify({
      type: 'stream_event',
      event: { type: 'content_block_delta', delta: { text: 'abc' } },
    }),
  ];
  const block = Buffer.from(`${lines.join('\n')}\n`);
  const reps = Math.ceil(targetBytes / block.length);
  return Buffer.concat(Array.from({ length: reps }, () => block));
}

/** Splits, redacts (when secrets are given) and parses `buf` in 64 KiB chunks, as the session path does. */
export function parseThroughput(
  buf: Buffer,
  secrets: string[],
): { mbPerS: number; events: number; lines: number } {
  const redact = secrets.length > 0;
  const r = createRedactor(secrets);
  const parser = createStreamParser();
  let events = 0;
  const splitter = new LineSplitter((l) => {
    const t = redact ? r.text(l.text) : l.text;
    events += parser.parse(t).length;
  }, 8 << 20);
  const chunk = 64 * 1024;
  const t0 = performance.now();
  for (let i = 0; i < buf.length; i += chunk) splitter.push(buf.subarray(i, i + chunk));
  splitter.end();
  const s = (performance.now() - t0) / 1000;
  return { mbPerS: round(buf.length / 2 ** 20 / s), events, lines: parser.state.lines };
}
