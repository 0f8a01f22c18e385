import { createClient } from 'redis';
import { AppError } from '../errors.ts';
import { checkAfterId, checkLimit, checkTopic, encodePayload } from './codec.ts';
import {
  compareEventIds,
  type BusEvent,
  type ProgressBus,
  type ReplayResult,
  type Unsubscribe,
} from './port.ts';
import { PUBLISH_SCRIPT } from './publish-script.ts';
import { createRedisSubscriptions } from './redis-subscriptions.ts';

/** Options of the Redis progress bus. */
export interface RedisBusOptions {
  /** `redis://[user:password@]host:port[/db]` (or `rediss://`). */
  url: string;
  /** Events retained per topic stream; older ones are trimmed exactly. Default 1000. */
  maxPerTopic?: number;
  /** Prefix of every key and channel the bus uses. Default `sg:`. */
  keyPrefix?: string;
  /** Called on connection errors and throwing subscribers; by default written to stderr. */
  onError?: (error: unknown) => void;
}

const REPLAY_PAGE = 500;

/** Connection names must not contain spaces or odd characters; the prefix makes them findable. */
function connectionName(prefix: string, role: string): string {
  return `${prefix.replace(/[^A-Za-z0-9:_.-]/g, '_')}bus-${role}`;
}

/**
 * The Redis progress bus (kind `redis`): one stream per topic (`<prefix>stream:<topic>`) for
 * replay, one pub/sub channel per topic (`<prefix>live:<topic>`) for fan-out, over a command
 * connection and a dedicated subscriber connection. Resolves once the command connection is up;
 * rejects with a `bus_error` when Redis cannot be reached.
 */
export async function createRedisBus(options: RedisBusOptions): Promise<ProgressBus> {
  const max = options.maxPerTopic ?? 1000;
  if (!Number.isInteger(max) || max < 1)
    throw new AppError('bus_error', 'maxPerTopic must be a positive integer.');
  const prefix = options.keyPrefix ?? 'sg:';
  const report =
    options.onError ??
    ((e: unknown) => console.error('progress bus (redis):', e instanceof Error ? e.message : e));
  const streamKey = (topic: string): string => `${prefix}stream:${topic}`;
  const droppedKey = (topic: string): string => `${prefix}dropped:${topic}`;
  const channel = (topic: string): string => `${prefix}live:${topic}`;

  let everReady = false;
  const client = createClient({
    url: options.url,
    name: connectionName(prefix, 'cmd'),
    socket: {
      // Fail start-up fast instead of retrying forever; once up, keep reconnecting with backoff.
      reconnectStrategy: (retries: number, cause: Error) =>
        !everReady && retries >= 2
          ? new AppError('bus_error', `Cannot reach Redis: ${cause.message}`, { cause })
          : Math.min(100 * 2 ** retries, 3000),
    },
  });
  client.on('error', (e: unknown) => {
    if (everReady) report(e);
  });
  try {
    await client.connect();
  } catch (e) {
    client.destroy();
    throw e instanceof AppError
      ? e
      : new AppError('bus_error', 'Cannot connect to Redis.', { cause: e });
  }
  everReady = true;

  let scriptSha = await client.scriptLoad(PUBLISH_SCRIPT);
  let closed = false;
  const ensureOpen = (): void => {
    if (closed) throw new AppError('bus_error', 'The progress bus is closed.');
  };

  const range = async (
    topic: string,
    afterId: string | undefined,
    count: number | undefined,
  ): Promise<BusEvent[]> => {
    const start = afterId === undefined ? '-' : `(${afterId}`;
    const entries = await client.xRange(
      streamKey(topic),
      start,
      '+',
      count === undefined ? undefined : { COUNT: count },
    );
    return (entries ?? []).map((entry) => ({
      id: entry.id,
      topic,
      payload: JSON.parse(String(entry.message['p'])) as unknown,
    }));
  };

  const subscriptions = createRedisSubscriptions({
    createSubscriber: () => client.duplicate({ name: connectionName(prefix, 'sub') }),
    channel,
    newestId: async (topic) =>
      (await client.xRevRange(streamKey(topic), '+', '-', { COUNT: 1 }))?.[0]?.id ?? '0-0',
    range: (topic, afterId) => range(topic, afterId, REPLAY_PAGE),
    report,
  });

  return {
    kind: 'redis',

    async publish<T>(topic: string, payload: T): Promise<string> {
      ensureOpen();
      checkTopic(topic);
      const args = {
        keys: [streamKey(topic), droppedKey(topic)],
        arguments: [encodePayload(payload), String(max), channel(topic)],
      };
      try {
        return String(await client.evalSha(scriptSha, args));
      } catch (e) {
        // The script cache is empty after a Redis restart or SCRIPT FLUSH: load it again.
        if (!(e instanceof Error) || !e.message.startsWith('NOSCRIPT')) throw e;
        scriptSha = await client.scriptLoad(PUBLISH_SCRIPT);
        return String(await client.evalSha(scriptSha, args));
      }
    },

    async replay<T>(topic: string, afterId?: string, limit?: number): Promise<ReplayResult<T>> {
      ensureOpen();
      checkTopic(topic);
      checkAfterId(afterId);
      checkLimit(limit);
      // XRANGE is sent before GET on the same connection, so a trim in between can only make
      // `gap` err on the side of true, never hide a loss.
      const [events, dropped] = await Promise.all([
        range(topic, afterId, limit),
        client.get(droppedKey(topic)),
      ]);
      const gap =
        dropped !== null && (afterId === undefined || compareEventIds(afterId, dropped) < 0);
      return { events: events as BusEvent<T>[], gap };
    },

    async subscribe<T>(
      topic: string,
      onEvent: (event: BusEvent<T>) => void,
      subscribeOptions: { afterId?: string } = {},
    ): Promise<Unsubscribe> {
      ensureOpen();
      checkTopic(topic);
      checkAfterId(subscribeOptions.afterId);
      return subscriptions.add(
        topic,
        onEvent as (event: BusEvent) => void,
        subscribeOptions.afterId,
      );
    },

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await subscriptions.close();
      await client.close();
    },
  };
}
