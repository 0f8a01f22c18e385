import { compareEventIds, type BusEvent, type Unsubscribe } from './port.ts';

/** The part of a node-redis client that the subscriber side uses. */
export interface SubscriberConnection {
  readonly isReady: boolean;
  readonly isOpen: boolean;
  on(event: 'error' | 'reconnecting' | 'ready', listener: (error?: unknown) => void): unknown;
  connect(): Promise<unknown>;
  subscribe(channel: string, listener: (message: string) => void): Promise<void>;
  unsubscribe(channel: string, listener: (message: string) => void): Promise<void>;
  close(): Promise<void>;
}

/** What the subscription manager needs from the Redis bus. */
export interface RedisSubscriptionDeps {
  /** A new, not yet connected, connection for pub/sub (the command connection duplicated). */
  createSubscriber: () => SubscriberConnection;
  channel: (topic: string) => string;
  /** The topic stream's newest id, or `0-0` when it is empty or missing. */
  newestId: (topic: string) => Promise<string>;
  /** One page of retained events after `afterId`, oldest first. */
  range: (topic: string, afterId: string) => Promise<BusEvent[]>;
  report: (error: unknown) => void;
}

interface Subscription {
  topic: string;
  onEvent: (event: BusEvent) => void;
  /** Id of the last event delivered (or the position the subscription started from). */
  last: string;
  /** While true, live messages are held back until the stream has been read up to them. */
  buffering: boolean;
  buffer: BusEvent[];
  active: boolean;
  running: boolean;
  rerun: boolean;
  listener: (message: string) => void;
}

/**
 * Live delivery for the Redis bus over one dedicated subscriber connection. The race between
 * replay and live is closed by subscribing to the channel first, buffering its messages, reading
 * the stream after the last id, and then releasing buffered messages newer than what was read.
 * The same catch-up runs after the subscriber connection reconnects, since pub/sub does not keep
 * messages published while a connection was down; the stream does.
 */
export function createRedisSubscriptions(deps: RedisSubscriptionDeps) {
  const subs = new Set<Subscription>();
  let subClient: SubscriberConnection | undefined;
  let connecting: Promise<SubscriberConnection> | undefined;
  let closing = false;

  const deliver = (sub: Subscription, event: BusEvent): void => {
    if (!sub.active || compareEventIds(event.id, sub.last) <= 0) return;
    sub.last = event.id;
    try {
      sub.onEvent(event);
    } catch (e) {
      deps.report(e);
    }
  };

  /** Reads the stream after `sub.last` until it is exhausted, then releases the buffer. */
  const catchUp = async (sub: Subscription): Promise<void> => {
    if (sub.running) {
      sub.rerun = true;
      return;
    }
    sub.running = true;
    try {
      do {
        sub.rerun = false;
        for (;;) {
          const page = await deps.range(sub.topic, sub.last);
          for (const event of page) deliver(sub, event);
          if (page.length === 0 || !sub.active) break;
        }
      } while (sub.rerun && sub.active);
      // While the connection is down, keep buffering: the next 'ready' catches up again.
      if (!subClient?.isReady) return;
      sub.buffering = false;
      const held = sub.buffer;
      sub.buffer = [];
      for (const event of held) deliver(sub, event);
    } finally {
      sub.running = false;
    }
  };

  const connect = (): Promise<SubscriberConnection> => {
    connecting ??= (async () => {
      const c = deps.createSubscriber();
      c.on('error', (e: unknown) => {
        if (!closing) deps.report(e);
      });
      c.on('reconnecting', () => {
        for (const sub of subs) sub.buffering = true;
      });
      let first = true;
      c.on('ready', () => {
        if (first) {
          first = false;
          return;
        }
        for (const sub of subs) catchUp(sub).catch(deps.report);
      });
      await c.connect();
      subClient = c;
      return c;
    })();
    connecting.catch(() => {
      connecting = undefined;
    });
    return connecting;
  };

  return {
    async add(
      topic: string,
      onEvent: (event: BusEvent) => void,
      afterId: string | undefined,
    ): Promise<Unsubscribe> {
      const c = await connect();
      // Without afterId, start from the stream's current end *before* subscribing, so that an
      // event published while SUBSCRIBE is in flight is read from the stream, not lost.
      const start = afterId ?? (await deps.newestId(topic));
      const sub: Subscription = {
        topic,
        onEvent,
        last: start,
        buffering: true,
        buffer: [],
        active: true,
        running: false,
        rerun: false,
        listener: (message: string) => {
          const space = message.indexOf(' ');
          const event: BusEvent = {
            id: message.slice(0, space),
            topic,
            payload: JSON.parse(message.slice(space + 1)) as unknown,
          };
          if (sub.buffering) sub.buffer.push(event);
          else deliver(sub, event);
        },
      };
      const unsubscribe = async (): Promise<void> => {
        if (!sub.active) return;
        sub.active = false;
        sub.buffer = [];
        subs.delete(sub);
        if (!closing) await c.unsubscribe(deps.channel(topic), sub.listener);
      };
      subs.add(sub);
      try {
        await c.subscribe(deps.channel(topic), sub.listener);
        await catchUp(sub);
      } catch (e) {
        await unsubscribe().catch(() => {});
        throw e;
      }
      return unsubscribe;
    },

    async close(): Promise<void> {
      closing = true;
      for (const sub of subs) sub.active = false;
      subs.clear();
      const c = subClient ?? (await connecting?.catch(() => undefined));
      if (c?.isOpen) await c.close();
    },
  };
}
