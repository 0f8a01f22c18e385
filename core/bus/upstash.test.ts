import { randomUUID } from 'node:crypto';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startUpstashShim, type UpstashShim } from '../../test/support/upstash-shim.ts';
import { progressBusContract } from './contract.ts';
import { createRedisBus } from './redis.ts';
import { createUpstashBus } from './upstash.ts';

const redisUrl = inject('redisUrl');
const runPrefix = `sgtest:${randomUUID()}:`;
let shim: UpstashShim;
let admin: ReturnType<typeof createClient>;

beforeAll(async () => {
  shim = await startUpstashShim({ redisUrl });
  admin = createClient({ url: redisUrl });
  admin.on('error', () => {});
  await admin.connect();
});

afterAll(async () => {
  const keys: string[] = [];
  for await (const batch of admin.scanIterator({ MATCH: `${runPrefix}*`, COUNT: 500 }))
    keys.push(...batch);
  if (keys.length > 0) await admin.del(keys);
  await admin.close();
  await shim.close();
});

let busNo = 0;
progressBusContract('upstash (REST shim over real Redis)', async (options) => {
  const bus = createUpstashBus({
    url: shim.url,
    token: shim.token,
    keyPrefix: `${runPrefix}${busNo++}:`,
    pollMs: 20,
    ...options,
    onError: () => {},
  });
  return { bus, cleanup: () => bus.close() };
});

describe('upstash bus', () => {
  it('shares keys with the Redis adapter: each reads and follows what the other published', async () => {
    const keyPrefix = `${runPrefix}shared:`;
    const up = createUpstashBus({ url: shim.url, token: shim.token, keyPrefix, pollMs: 20 });
    const tcp = await createRedisBus({ url: redisUrl, keyPrefix });
    const viaTcp: string[] = [];
    const viaHttp: string[] = [];
    const stopTcp = await tcp.subscribe('t', (e) => viaTcp.push(e.id));
    const stopHttp = await up.subscribe('t', (e) => viaHttp.push(e.id));
    const ids = [await up.publish('t', 'edge'), await tcp.publish('t', 'worker')];
    for (let i = 0; i < 200 && (viaTcp.length < 2 || viaHttp.length < 2); i++)
      await new Promise((r) => setTimeout(r, 10));
    expect(viaTcp).toEqual(ids);
    expect(viaHttp).toEqual(ids);
    expect((await tcp.replay('t')).events.map((e) => e.payload)).toEqual(['edge', 'worker']);
    await Promise.all([stopTcp(), stopHttp()]);
    await Promise.all([up.close(), tcp.close()]);
  });

  it('sends the token, and a wrong one fails with the server’s answer', async () => {
    const bad = createUpstashBus({ url: shim.url, token: 'wrong-token', onError: () => {} });
    await expect(bad.publish('t', 1)).rejects.toThrow(/Unauthorized/);
    await bad.close();
  });

  it('reports failed polls without throwing, and a subscription from its last id gets what it missed', async () => {
    const keyPrefix = `${runPrefix}flaky:`;
    const flaky = await startUpstashShim({ redisUrl, token: shim.token });
    const errors: unknown[] = [];
    const bus = createUpstashBus({
      url: flaky.url,
      token: shim.token,
      keyPrefix,
      pollMs: 20,
      onError: (e) => errors.push(e),
    });
    const writer = createUpstashBus({ url: shim.url, token: shim.token, keyPrefix });
    const got: string[] = [];
    const stop = await bus.subscribe('t', (e) => got.push(e.id));
    await flaky.close();
    const ids = [await writer.publish('t', 1), await writer.publish('t', 2)];
    for (let i = 0; i < 100 && errors.length === 0; i++)
      await new Promise((r) => setTimeout(r, 10));
    expect(errors.length).toBeGreaterThan(0);
    expect(got).toEqual([]);
    await stop();
    const again = createUpstashBus({ url: shim.url, token: shim.token, keyPrefix, pollMs: 20 });
    const caught: string[] = [];
    const stopAgain = await again.subscribe('t', (e) => caught.push(e.id), { afterId: '0-0' });
    expect(caught).toEqual(ids);
    await stopAgain();
    await Promise.all([bus.close(), writer.close(), again.close()]);
  });
});
