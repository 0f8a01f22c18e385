import { afterEach, describe, expect, it, vi } from 'vitest';
import { progressBusContract } from './contract.ts';
import { createMemoryBus } from './memory.ts';
import { compareEventIds } from './port.ts';

progressBusContract('memory', async (options) => {
  const bus = createMemoryBus({ ...options, onSubscriberError: () => {} });
  return { bus, cleanup: () => bus.close() };
});

describe('memory bus', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('keeps ids increasing when the clock stands still or steps backwards', async () => {
    const bus = createMemoryBus();
    const clock = [5000, 5000, 5000, 4000, 3000, 5001, 5001, 6000];
    let i = 0;
    vi.spyOn(Date, 'now').mockImplementation(() => clock[Math.min(i++, clock.length - 1)]!);
    const ids: string[] = [];
    for (let n = 0; n < clock.length; n++) ids.push(await bus.publish('t', n));
    expect(ids).toEqual([
      '5000-0',
      '5000-1',
      '5000-2',
      '5000-3',
      '5000-4',
      '5001-0',
      '5001-1',
      '6000-0',
    ]);
    expect([...ids].sort(compareEventIds)).toEqual(ids);
    await bus.close();
  });

  it('reports a throwing subscriber to onSubscriberError and isolates payloads from the publisher', async () => {
    const errors: unknown[] = [];
    const bus = createMemoryBus({ onSubscriberError: (e) => errors.push(e) });
    const got: unknown[] = [];
    await bus.subscribe('t', () => {
      throw new Error('boom');
    });
    await bus.subscribe('t', (e) => got.push(e.payload));
    const payload = { list: [1] };
    await bus.publish('t', payload);
    payload.list.push(2);
    await new Promise((r) => setTimeout(r, 0));
    expect(got).toEqual([{ list: [1] }]);
    expect(errors).toHaveLength(1);
    expect((await bus.replay('t')).events[0]!.payload).toEqual({ list: [1] });
    await bus.close();
    await expect(bus.publish('t', 1)).rejects.toThrow(/closed/);
  });

  it('drops the oldest events one by one at the default bound of 1000', async () => {
    const bus = createMemoryBus();
    for (let n = 0; n < 1003; n++) await bus.publish('t', n);
    const { events, gap } = await bus.replay<number>('t');
    expect(events).toHaveLength(1000);
    expect(events[0]!.payload).toBe(3);
    expect(gap).toBe(true);
    await bus.close();
  });
});

describe('memory bus: idle topics', () => {
  it('drops the buffer of a topic nobody uses, and reports the gap', async () => {
    const bus = createMemoryBus({ idleTopicMs: 20 });
    const first = await bus.publish('scenario:a', { n: 1 });
    await bus.publish('scenario:a', { n: 2 });
    const watched = await bus.publish('scenario:w', { n: 1 });
    const stop = await bus.subscribe('scenario:w', () => {});
    await new Promise((r) => setTimeout(r, 40));
    await bus.publish('scenario:b', { n: 1 });
    expect(await bus.replay('scenario:a')).toEqual({ events: [], gap: true });
    expect((await bus.replay('scenario:a', first)).gap).toBe(true);
    // A topic with a subscriber keeps its buffer.
    expect((await bus.replay('scenario:w')).events.map((e) => e.id)).toEqual([watched]);
    await stop();
    await bus.close();
  });
});
