import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryBus } from '../../core/bus/memory.ts';
import type { ProgressBus } from '../../core/bus/port.ts';
import { createApp } from '../../functions/app.ts';
import { listen } from '../../functions/server.ts';
import { createTestApp, type TestApp } from '../support/app.ts';

/** A bus that counts live subscriptions, to see what a request leaves behind. */
function countingBus(): ProgressBus & { open(): number } {
  const inner = createMemoryBus();
  let open = 0;
  return {
    kind: inner.kind,
    publish: (t, p) => inner.publish(t, p),
    replay: (t, a, l) => inner.replay(t, a, l),
    async subscribe(topic, onEvent, options) {
      const off = await inner.subscribe(topic, onEvent, options);
      open++;
      return async () => {
        open--;
        await off();
      };
    },
    close: () => inner.close(),
    open: () => open,
  };
}

function head(url: string): Promise<{ status: number; type: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'HEAD' }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode!, type: res.headers['content-type'] }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('HEAD on an SSE endpoint', () => {
  let t: TestApp;
  const bus = countingBus();
  let scenarioId: string;

  beforeAll(async () => {
    t = await createTestApp({ SSE_HEARTBEAT: '100ms' }, { bus });
    const campaignId = (await t.call('POST', '/api/campaigns', { name: 'Head' })).json.id;
    scenarioId = (
      await t.call('POST', '/api/scenarios', { campaignId, title: 'Head one', request: 'r' })
    ).json.id;
  });
  afterAll(() => t.close());

  it('answers with the stream headers and leaves no subscription or timer behind', async () => {
    const server = await listen(createApp(t.deps), '127.0.0.1', 0);
    const paths = [`/api/scenarios/${scenarioId}/events`, '/api/events'];
    for (let i = 0; i < 20; i++) {
      const r = await head(`${server.url}${paths[i % 2]}`);
      expect(r.status).toBe(200);
      expect(r.type).toContain('text/event-stream');
    }
    await new Promise((r) => setTimeout(r, 300));
    expect(bus.open()).toBe(0);
    // Before the fix, close() waited on streams whose client had long gone.
    const closed = await Promise.race([
      server.close().then(() => 'closed'),
      new Promise((r) => setTimeout(() => r('hung'), 3000)),
    ]);
    expect(closed).toBe('closed');
    expect(bus.open()).toBe(0);
  });
});
