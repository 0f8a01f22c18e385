import { randomUUID } from 'node:crypto';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { progressBusContract } from './contract.ts';
import { createRedisBus } from './redis.ts';

const url = inject('redisUrl');
const runPrefix = `sgtest:${randomUUID()}:`;
let admin: ReturnType<typeof createClient>;

beforeAll(async () => {
  admin = createClient({ url });
  admin.on('error', () => {});
  await admin.connect();
});

afterAll(async () => {
  const keys: string[] = [];
  for await (const batch of admin.scanIterator({ MATCH: `${runPrefix}*`, COUNT: 500 }))
    keys.push(...batch);
  if (keys.length > 0) await admin.del(keys);
  await admin.close();
});

let busNo = 0;
progressBusContract('redis', async (options) => {
  const bus = await createRedisBus({
    url,
    keyPrefix: `${runPrefix}${busNo++}:`,
    ...options,
    onError: () => {},
  });
  return { bus, cleanup: () => bus.close() };
});

describe('redis bus', () => {
  it('uses the documented keys and channel, and its key cleanup leaves nothing behind', async () => {
    const prefix = `${runPrefix}keys:`;
    const bus = await createRedisBus({ url, keyPrefix: prefix, maxPerTopic: 2 });
    const seen: string[] = [];
    const listener = admin.duplicate();
    await listener.connect();
    await listener.subscribe(`${prefix}live:topic:1`, (m) => seen.push(m));
    const ids = [
      await bus.publish('topic:1', { a: 1 }),
      await bus.publish('topic:1', { a: 2 }),
      await bus.publish('topic:1', { a: 3 }),
    ];
    expect(await admin.xLen(`${prefix}stream:topic:1`)).toBe(2);
    expect(await admin.get(`${prefix}dropped:topic:1`)).toBe(ids[0]);
    for (let i = 0; i < 200 && seen.length < 3; i++) await new Promise((r) => setTimeout(r, 10));
    expect(seen).toEqual(ids.map((id, i) => `${id} {"a":${i + 1}}`));
    await listener.close();
    await bus.close();
  });

  it('catches up after its subscriber connection is killed, losing nothing', async () => {
    const prefix = `${runPrefix}kill:`;
    const bus = await createRedisBus({ url, keyPrefix: prefix, onError: () => {} });
    const got: string[] = [];
    const stop = await bus.subscribe('t', (e) => got.push(e.id));
    const first = await bus.publish('t', 0);
    for (let i = 0; i < 200 && got.length < 1; i++) await new Promise((r) => setTimeout(r, 10));
    const list = await admin.clientList();
    const sub = list.find((c) => c.name === `${prefix}bus-sub`);
    expect(sub).toBeDefined();
    await admin.sendCommand(['CLIENT', 'KILL', 'ID', String(sub!.id)]);
    const missed: string[] = [];
    for (let n = 1; n <= 20; n++) missed.push(await bus.publish('t', n));
    for (let i = 0; i < 500 && got.length < 21; i++) await new Promise((r) => setTimeout(r, 10));
    expect(got).toEqual([first, ...missed]);
    await stop();
    await bus.close();
  });

  it('fails fast with a bus_error when Redis cannot be reached', async () => {
    const started = Date.now();
    await expect(createRedisBus({ url: 'redis://127.0.0.1:1' })).rejects.toMatchObject({
      code: 'bus_error',
    });
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
