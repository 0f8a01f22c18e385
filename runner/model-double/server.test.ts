import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startModelDouble, type ModelDouble } from './server.ts';
import { bash, httpError, structured, text, write } from './script.ts';

/** The double at the HTTP level (the live tests drive it with the real CLI). */
let double: ModelDouble;
beforeAll(async () => {
  double = await startModelDouble({ defaultScript: [text('default answer')] });
});
afterAll(async () => {
  await double.close();
});

const tools = [{ name: 'Write', input_schema: { type: 'object' } }];
const body = (messages: unknown[], extra: Record<string, unknown> = {}) =>
  JSON.stringify({ model: 'claude-test', stream: true, tools, messages, ...extra });

async function sse(
  url: string,
  payload: string,
): Promise<Array<{ event: string; data: Record<string, unknown> }>> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': 'k' },
    body: payload,
  });
  expect(res.headers.get('content-type')).toBe('text/event-stream');
  const raw = await res.text();
  return raw
    .trim()
    .split('\n\n')
    .map((chunk) => {
      const [ev, data] = chunk.split('\n');
      return {
        event: (ev ?? '').slice(7),
        data: JSON.parse((data ?? '').slice(6)) as Record<string, unknown>,
      };
    });
}

describe('model double', () => {
  it('answers HEAD /api/hello, with and without a script prefix', async () => {
    expect((await fetch(`${double.url}/api/hello`, { method: 'HEAD' })).status).toBe(200);
    expect((await fetch(`${double.url}/s/any/api/hello`, { method: 'HEAD' })).status).toBe(200);
  });

  it('streams a tool use as the Messages API does, with cwd-relative paths resolved', async () => {
    const base = double.register('w1', [write('out/a.txt', 'hello'), text('done')]);
    const system = [{ type: 'text', text: 'x' }];
    const first = [
      {
        role: 'system',
        content: [{ type: 'text', text: 'Env\n - Primary working directory: /tmp/ws-1\n - more' }],
      },
    ];
    const events = await sse(
      `${base}/v1/messages?beta=true`,
      body([{ role: 'user', content: 'go' }, ...first], { system }),
    );
    expect(events.map((e) => e.event)).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    const json = events
      .filter((e) => e.event === 'content_block_delta')
      .map((e) => (e.data.delta as { partial_json: string }).partial_json)
      .join('');
    expect(JSON.parse(json)).toEqual({ file_path: '/tmp/ws-1/out/a.txt', content: 'hello' });
    expect(events[5]?.data).toMatchObject({ delta: { stop_reason: 'tool_use' } });
  });

  it('derives the position from the request alone, so conversations never interfere', async () => {
    const base = double.register('p1', [bash('echo 1'), structured({ score: 1 }), text('third')]);
    const convo = (assistants: number) => [
      { role: 'user', content: 'go' },
      ...Array.from({ length: assistants }, () => [
        { role: 'assistant', content: [{ type: 'tool_use', id: 't', name: 'Bash', input: {} }] },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 't', content: 'RESULT-MARK', is_error: false },
          ],
        },
      ]).flat(),
    ];
    const [third, first] = await Promise.all([
      sse(`${base}/v1/messages`, body(convo(2))),
      sse(`${base}/v1/messages`, body(convo(0))),
    ]);
    expect(third[1]?.data).toMatchObject({ content_block: { type: 'text' } });
    expect(first[1]?.data).toMatchObject({ content_block: { type: 'tool_use', name: 'Bash' } });
    const rec = double.requests.filter((r) => r.scriptId === 'p1');
    expect(rec.map((r) => r.context?.position).sort()).toEqual([0, 2]);
    expect(rec.find((r) => r.context?.position === 2)?.context?.lastToolResults).toEqual([
      { toolUseId: 't', isError: false, content: 'RESULT-MARK' },
    ]);
    expect(rec.every((r) => r.hasApiKey)).toBe(true);
  });

  it('answers side calls (no tools) and count_tokens without touching the script', async () => {
    const base = double.register('side', [httpError(500)]);
    const res = await fetch(`${base}/v1/messages`, {
      method: 'POST',
      body: JSON.stringify({ model: 'small', messages: [{ role: 'user', content: 'title?' }] }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ type: 'message', content: [{ type: 'text' }] });
    const count = await fetch(`${base}/v1/messages/count_tokens`, {
      method: 'POST',
      body: body([{ role: 'user', content: 'x' }]),
    });
    expect(await count.json()).toMatchObject({ input_tokens: expect.any(Number) });
    expect(double.requests.filter((r) => r.scriptId === 'side').map((r) => r.kind)).toEqual([
      'side',
      'count_tokens',
    ]);
  });

  it('answers failure modes: 429 with rate-limit headers and an API error body; unknown script is a 400', async () => {
    const base = double.register('rl', [httpError(429)]);
    const res = await fetch(`${base}/v1/messages`, {
      method: 'POST',
      body: body([{ role: 'user', content: 'x' }]),
    });
    expect(res.status).toBe(429);
    expect(res.headers.get('anthropic-ratelimit-unified-status')).toBe('rejected');
    expect(res.headers.get('retry-after')).toBeNull();
    expect(await res.json()).toEqual({
      type: 'error',
      error: { type: 'rate_limit_error', message: 'model double: rate_limit_error' },
    });
    const unknown = await fetch(`${double.url}/s/nope/v1/messages`, {
      method: 'POST',
      body: body([{ role: 'user', content: 'x' }]),
    });
    expect(unknown.status).toBe(400);
  });

  it('uses the default script without a prefix and rejects a wrong key when one is required', async () => {
    const events = await sse(`${double.url}/v1/messages`, body([{ role: 'user', content: 'x' }]));
    expect(events[2]?.data).toMatchObject({ delta: { text: 'default answer' } });
    const strict = await startModelDouble({ apiKey: 'right-key' });
    try {
      const res = await fetch(`${strict.url}/v1/messages`, {
        method: 'POST',
        headers: { 'x-api-key': 'wrong' },
        body: body([]),
      });
      expect(res.status).toBe(401);
    } finally {
      await strict.close();
    }
  });
});
