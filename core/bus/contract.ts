import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors.ts';
import { compareEventIds, isEventId, type BusEvent, type ProgressBus } from './port.ts';

/** What a contract run needs from an adapter: a fresh bus (optionally with a small retention). */
export type MakeBus = (options?: {
  maxPerTopic?: number;
}) => Promise<{ bus: ProgressBus; cleanup: () => Promise<void> }>;

const topic = (): string => `scenario:${randomUUID()}`;

async function waitFor(what: string, done: () => boolean, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

function expectIncreasing(ids: string[]): void {
  for (let i = 1; i < ids.length; i++)
    expect(compareEventIds(ids[i - 1]!, ids[i]!), `${ids[i - 1]} < ${ids[i]}`).toBeLessThan(0);
}

async function publishAll(bus: ProgressBus, t: string, n: number, from = 0): Promise<string[]> {
  const ids: string[] = [];
  for (let i = from; i < from + n; i++) ids.push(await bus.publish(t, { n: i }));
  return ids;
}

/**
 * The progress bus contract: every adapter runs this suite against a real backend. `make` is
 * called once for the suite and once with `{ maxPerTopic: 5 }` for the retention tests.
 */
export function progressBusContract(name: string, make: MakeBus): void {
  describe(`progress bus contract: ${name}`, () => {
    let bus: ProgressBus;
    let small: ProgressBus;
    const cleanups: Array<() => Promise<void>> = [];
    beforeAll(async () => {
      const a = await make();
      const b = await make({ maxPerTopic: 5 });
      bus = a.bus;
      small = b.bus;
      cleanups.push(a.cleanup, b.cleanup);
    });
    afterAll(async () => {
      for (const c of cleanups) await c();
    });

    it('assigns increasing ids and replays everything in publish order', async () => {
      const t = topic();
      const ids = await Promise.all(Array.from({ length: 50 }, (_, n) => bus.publish(t, { n })));
      expect(ids.every(isEventId)).toBe(true);
      expect(new Set(ids).size).toBe(50);
      const { events, gap } = await bus.replay<{ n: number }>(t);
      expect(gap).toBe(false);
      expect(events.map((e) => e.id)).toEqual([...ids].sort(compareEventIds));
      expectIncreasing(events.map((e) => e.id));
      expect(events.every((e) => e.topic === t)).toBe(true);
      // Sequential publishes keep their call order.
      const seq = await publishAll(bus, t, 20, 100);
      expectIncreasing(seq);
      expect(
        (await bus.replay<{ n: number }>(t)).events.slice(-20).map((e) => e.payload.n),
      ).toEqual(Array.from({ length: 20 }, (_, i) => 100 + i));
    });

    it('replays only the events after an id, at most `limit`', async () => {
      const t = topic();
      const ids = await publishAll(bus, t, 10);
      expect((await bus.replay(t, ids[3])).events.map((e) => e.id)).toEqual(ids.slice(4));
      expect((await bus.replay(t, ids[3], 2)).events.map((e) => e.id)).toEqual(ids.slice(4, 6));
      expect(await bus.replay(t, ids[9])).toEqual({ events: [], gap: false });
      expect(await bus.replay(topic())).toEqual({ events: [], gap: false });
      await expect(bus.replay(t, 'not-an-id')).rejects.toBeInstanceOf(InvalidInputError);
      await expect(bus.subscribe(t, () => {}, { afterId: '1-x' })).rejects.toBeInstanceOf(
        InvalidInputError,
      );
    });

    it('delivers live events in order to a subscriber', async () => {
      const t = topic();
      const got: BusEvent<{ n: number }>[] = [];
      const stop = await bus.subscribe<{ n: number }>(t, (e) => got.push(e));
      const ids = await publishAll(bus, t, 30);
      await waitFor('30 live events', () => got.length >= 30);
      expect(got.map((e) => e.id)).toEqual(ids);
      expect(got.map((e) => e.payload.n)).toEqual(Array.from({ length: 30 }, (_, i) => i));
      await stop();
    });

    it('subscribe with afterId replays then goes live, without loss or duplicate under concurrent publishing', async () => {
      const t = topic();
      const before = await publishAll(bus, t, 20);
      const got: string[] = [];
      const racing = publishAll(bus, t, 200, 20);
      const stop = await bus.subscribe(t, (e) => got.push(e.id), { afterId: before[4] });
      const during = await racing;
      const after = await publishAll(bus, t, 5, 220);
      const expected = [...before.slice(5), ...during, ...after];
      await waitFor('every event', () => got.length >= expected.length);
      await new Promise((r) => setTimeout(r, 50));
      expect(got).toEqual(expected);
      await stop();
    });

    it('subscribe without afterId delivers a gap-free, duplicate-free tail while publishes race it', async () => {
      const t = topic();
      const got: string[] = [];
      const racing = publishAll(bus, t, 200);
      await new Promise((r) => setTimeout(r, 1));
      const stop = await bus.subscribe(t, (e) => got.push(e.id));
      const afterSubscribe = await publishAll(bus, t, 3, 1000);
      const all = [...(await racing), ...afterSubscribe].sort(compareEventIds);
      await waitFor('events after subscribing', () => got.at(-1) === all.at(-1));
      const start = all.indexOf(got[0]!);
      expect(start).toBeGreaterThanOrEqual(0);
      expect(got).toEqual(all.slice(start));
      await stop();
    });

    it('keeps topics apart', async () => {
      const [a, b] = [topic(), topic()];
      const gotA: unknown[] = [];
      const stop = await bus.subscribe(a, (e) => gotA.push(e.payload));
      await bus.publish(b, 'for b');
      await bus.publish(a, 'for a');
      await waitFor('a', () => gotA.length >= 1);
      await new Promise((r) => setTimeout(r, 50));
      expect(gotA).toEqual(['for a']);
      expect((await bus.replay(b)).events.map((e) => [e.topic, e.payload])).toEqual([[b, 'for b']]);
      await stop();
    });

    it('stops delivering after unsubscribe, and a throwing subscriber harms no one', async () => {
      const t = topic();
      const stopped: unknown[] = [];
      const witness: unknown[] = [];
      const stop = await bus.subscribe(t, (e) => stopped.push(e.payload));
      let thrown = 0;
      const stopThrower = await bus.subscribe(t, () => {
        thrown++;
        throw new Error('subscriber failure (expected in this test)');
      });
      const stopWitness = await bus.subscribe(t, (e) => witness.push(e.payload));
      await bus.publish(t, 1);
      await waitFor('first event', () => stopped.length === 1 && witness.length === 1);
      await stop();
      await Promise.all([bus.publish(t, 2), bus.publish(t, 3)]);
      await waitFor('witness', () => witness.length === 3);
      await new Promise((r) => setTimeout(r, 50));
      expect(stopped).toEqual([1]);
      expect(witness).toEqual([1, 2, 3]);
      expect(thrown).toBe(3);
      await stopThrower();
      await stopWitness();
    });

    it('retains at most maxPerTopic events and reports a gap exactly when events were dropped', async () => {
      const t = topic();
      const ids = await publishAll(small, t, 12);
      const all = await small.replay<{ n: number }>(t);
      expect(all.events.map((e) => e.id)).toEqual(ids.slice(7));
      expect(all.gap).toBe(true);
      expect(await small.replay(t, ids[6])).toMatchObject({ gap: false });
      expect((await small.replay(t, ids[6])).events.map((e) => e.id)).toEqual(ids.slice(7));
      expect(await small.replay(t, ids[5])).toMatchObject({ gap: true });
      expect(await small.replay(t, '0-0')).toMatchObject({ gap: true });
      expect(await small.replay(t, ids[9])).toEqual({ events: all.events.slice(3), gap: false });
      const untouched = topic();
      await publishAll(small, untouched, 5);
      expect(await small.replay(untouched)).toMatchObject({ gap: false });
      const got: string[] = [];
      const stop = await small.subscribe(t, (e) => got.push(e.id), { afterId: ids[0] });
      const late = await small.publish(t, { n: 12 });
      await waitFor('retained and live', () => got.length >= 6);
      expect(got).toEqual([...ids.slice(7), late]);
      await stop();
    });

    it('round-trips payloads unchanged', async () => {
      const t = topic();
      const payloads = [
        {
          text: 'héllo wörld — 你好 — مرحبا — 🚀👩‍👩‍👧',
          quote: `'); DROP TABLE scenarios;--`,
          ctl: '\u0000\u0007\n\r\t\u2028',
        },
        {
          nested: { deep: { list: [1, 2.5, -3e-7, null, true, { x: ['y'] }] } },
          empty: {},
          none: [],
        },
        'a plain string with a space and a \n newline',
        42,
        null,
        [{ id: 'a b c' }],
      ];
      const got: unknown[] = [];
      const stop = await bus.subscribe(t, (e) => got.push(e.payload));
      for (const p of payloads) await bus.publish(t, p);
      await waitFor('all payloads', () => got.length === payloads.length);
      expect(got).toEqual(payloads);
      expect((await bus.replay(t)).events.map((e) => e.payload)).toEqual(payloads);
      await expect(bus.publish(t, undefined)).rejects.toThrow(/JSON/);
      await stop();
    });

    it('orders ids numerically with compareEventIds', () => {
      expect(compareEventIds('1-0', '1-1')).toBeLessThan(0);
      expect(compareEventIds('1-9', '2-0')).toBeLessThan(0);
      expect(compareEventIds('10-0', '9-99')).toBeGreaterThan(0);
      expect(compareEventIds('1700000000000-10', '1700000000000-9')).toBeGreaterThan(0);
      expect(compareEventIds('5-5', '5-5')).toBe(0);
      expect(['3-1', '10-0', '3-0', '2-7'].sort(compareEventIds)).toEqual([
        '2-7',
        '3-0',
        '3-1',
        '10-0',
      ]);
      expect(isEventId('1700000000000-0')).toBe(true);
      expect(isEventId('17000-')).toBe(false);
      expect(isEventId(' 1-1')).toBe(false);
    });
  });
}
