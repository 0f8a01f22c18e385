import { AppError } from '../errors.ts';
import { checkAfterId, checkLimit, checkTopic, encodePayload } from './codec.ts';
import {
  compareEventIds,
  type BusEvent,
  type ProgressBus,
  type ReplayResult,
  type Unsubscribe,
} from './port.ts';

/** Options of the in-process bus. */
export interface MemoryBusOptions {
  /** Events retained per topic for replay; the oldest are dropped beyond it. Default 1000. */
  maxPerTopic?: number;
  /** Called when a subscriber's callback throws; by default the error is written to stderr. */
  onSubscriberError?: (error: unknown, event: BusEvent) => void;
  /**
   * A topic nobody listens to and nobody published to for this long has its buffer dropped
   * (replay then reports a gap, and readers fall back to the durable log). Keeps a long-lived
   * server's memory bounded by the active scenarios, not by every scenario ever run.
   * Default 15 minutes.
   */
  idleTopicMs?: number;
}

interface Subscriber {
  onEvent: (event: BusEvent) => void;
  queue: BusEvent[];
  scheduled: boolean;
  active: boolean;
}

interface Topic {
  events: BusEvent[];
  lastPublishAt: number;
  /** Id of the newest event dropped by the retention bound, if any was. */
  lastDroppedId: string | undefined;
  subscribers: Set<Subscriber>;
}

/**
 * Hands out `ms-n` ids that strictly increase even when several come from the same millisecond
 * or the wall clock steps backwards (then the last millisecond is kept and only `n` grows).
 */
function idClock(): () => string {
  let lastMs = 0;
  let seq = 0;
  return () => {
    const now = Date.now();
    if (now > lastMs) {
      lastMs = now;
      seq = 0;
    } else seq++;
    return `${lastMs}-${seq}`;
  };
}

/** Index of the first event whose id is greater than `afterId` (events are sorted by id). */
function firstAfter(events: BusEvent[], afterId: string): number {
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareEventIds(events[mid]!.id, afterId) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The in-process progress bus (kind `memory`): a bounded replay buffer per topic and fan-out to
 * subscribers of this process. Payloads are JSON-cloned at publish, so they behave as with Redis;
 * delivered payloads are shared between subscribers and must be treated as read-only.
 *
 * Delivery is asynchronous (a microtask queue per subscriber), so a publisher never runs
 * subscriber code, and a throwing subscriber affects nobody else.
 */
export function createMemoryBus(options: MemoryBusOptions = {}): ProgressBus {
  const max = options.maxPerTopic ?? 1000;
  if (!Number.isInteger(max) || max < 1)
    throw new AppError('bus_error', 'maxPerTopic must be a positive integer.');
  const report =
    options.onSubscriberError ??
    ((error: unknown, event: BusEvent) =>
      console.error(`progress bus: a subscriber of ${event.topic} threw`, error));
  const nextId = idClock();
  const topics = new Map<string, Topic>();
  let closed = false;
  const idleMs = options.idleTopicMs ?? 15 * 60_000;
  // A monotonic clock for idleness (ids use the wall clock; the two never mix).
  let lastSweep = performance.now();
  const sweep = (now: number): void => {
    if (now - lastSweep < Math.min(idleMs, 60_000)) return;
    lastSweep = now;
    for (const t of topics.values()) {
      if (t.subscribers.size === 0 && t.events.length > 0 && now - t.lastPublishAt >= idleMs) {
        t.lastDroppedId = t.events.at(-1)!.id;
        t.events = [];
      }
    }
  };

  const topicOf = (name: string): Topic => {
    let t = topics.get(name);
    if (!t) {
      t = {
        events: [],
        lastPublishAt: performance.now(),
        lastDroppedId: undefined,
        subscribers: new Set(),
      };
      topics.set(name, t);
    }
    return t;
  };
  const ensureOpen = (): void => {
    if (closed) throw new AppError('bus_error', 'The progress bus is closed.');
  };

  const drain = (sub: Subscriber): void => {
    sub.scheduled = false;
    while (sub.active && sub.queue.length > 0) {
      const event = sub.queue.shift()!;
      try {
        sub.onEvent(event);
      } catch (e) {
        report(e, event);
      }
    }
  };
  const enqueue = (sub: Subscriber, events: BusEvent[]): void => {
    if (events.length === 0) return;
    sub.queue.push(...events);
    if (!sub.scheduled) {
      sub.scheduled = true;
      queueMicrotask(() => drain(sub));
    }
  };

  const retained = (topic: string, afterId: string | undefined, limit?: number): ReplayResult => {
    const t = topics.get(topic);
    if (!t) return { events: [], gap: false };
    const start = afterId === undefined ? 0 : firstAfter(t.events, afterId);
    const end = limit === undefined ? t.events.length : Math.min(t.events.length, start + limit);
    const gap =
      t.lastDroppedId !== undefined &&
      (afterId === undefined || compareEventIds(afterId, t.lastDroppedId) < 0);
    return { events: t.events.slice(start, end), gap };
  };

  return {
    kind: 'memory',

    async publish<T>(topic: string, payload: T): Promise<string> {
      ensureOpen();
      checkTopic(topic);
      const event: BusEvent = {
        id: nextId(),
        topic,
        payload: JSON.parse(encodePayload(payload)) as unknown,
      };
      const t = topicOf(topic);
      t.lastPublishAt = performance.now();
      sweep(t.lastPublishAt);
      t.events.push(event);
      if (t.events.length > max)
        t.lastDroppedId = t.events.splice(0, t.events.length - max).at(-1)!.id;
      for (const sub of t.subscribers) enqueue(sub, [event]);
      return event.id;
    },

    async replay<T>(topic: string, afterId?: string, limit?: number): Promise<ReplayResult<T>> {
      ensureOpen();
      checkTopic(topic);
      checkAfterId(afterId);
      checkLimit(limit);
      return retained(topic, afterId, limit) as ReplayResult<T>;
    },

    async subscribe<T>(
      topic: string,
      onEvent: (event: BusEvent<T>) => void,
      subscribeOptions: { afterId?: string } = {},
    ): Promise<Unsubscribe> {
      ensureOpen();
      checkTopic(topic);
      const { afterId } = subscribeOptions;
      checkAfterId(afterId);
      const sub: Subscriber = {
        onEvent: onEvent as (event: BusEvent) => void,
        queue: [],
        scheduled: false,
        active: true,
      };
      const t = topicOf(topic);
      // Replay and registration happen in one synchronous step, so no publish can fall between.
      if (afterId !== undefined) enqueue(sub, retained(topic, afterId).events);
      t.subscribers.add(sub);
      return async () => {
        sub.active = false;
        sub.queue.length = 0;
        t.subscribers.delete(sub);
        if (t.subscribers.size === 0 && t.events.length === 0 && topics.get(topic) === t)
          topics.delete(topic);
      };
    },

    async close(): Promise<void> {
      closed = true;
      for (const t of topics.values()) {
        for (const sub of t.subscribers) {
          sub.active = false;
          sub.queue.length = 0;
        }
      }
      topics.clear();
    },
  };
}
