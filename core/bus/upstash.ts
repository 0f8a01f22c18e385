import { Redis } from '@upstash/redis';
import { AppError } from '../errors.ts';
import { checkAfterId, checkLimit, checkTopic, encodePayload } from './codec.ts';
import {
  compareEventIds,
  type BusEvent,
  type ProgressBus,
  type ReplayResult,
  type Unsubscribe,
} from './port.ts';
import { busKeys, PUBLISH_SCRIPT } from './publish-script.ts';

/** Options of the Upstash progress bus. */
export interface UpstashBusOptions {
  /** The REST URL (`https://…`; plain `http://` for a loopback shim). */
  url: string;
  /** The REST token, sent as `Authorization: Bearer …`. */
  token: string;
  /** Events retained per topic stream; older ones are trimmed exactly. Default 1000. */
  maxPerTopic?: number;
  /** Prefix of every key and channel; the same layout as the Redis adapter. Default `sg:`. */
  keyPrefix?: string;
  /** How often a subscription polls its topic's stream when it is idle. Default 250 ms. */
  pollMs?: number;
  /** Called on failed polls and throwing subscribers; by default written to stderr. */
  onError?: (error: unknown) => void;
}

const PAGE = 500;

type Entries = Record<string, { p?: unknown }>;

/**
 * The Upstash progress bus (kind `upstash`), over Upstash's HTTP API: the same streams, trim
 * marker and channel as the Redis adapter (one publish script), so both may share one database.
 * HTTP has no push, so each subscription polls its stream after the last id it delivered; the
 * stream is the only source, so replay and live cannot overlap or leave a gap. Each subscription
 * runs its own loop, which keeps every request inside the edge request that subscribed.
 */
export function createUpstashBus(options: UpstashBusOptions): ProgressBus {
  const max = options.maxPerTopic ?? 1000;
  if (!Number.isInteger(max) || max < 1)
    throw new AppError('bus_error', 'maxPerTopic must be a positive integer.');
  const pollMs = options.pollMs ?? 250;
  const prefix = options.keyPrefix ?? 'sg:';
  const report =
    options.onError ??
    ((e: unknown) => console.error('progress bus (upstash):', e instanceof Error ? e.message : e));
  const redis = new Redis({
    url: options.url,
    token: options.token,
    enableTelemetry: false,
    enableAutoPipelining: false,
    retry: { retries: 2, backoff: (n) => 50 * 2 ** n },
  });
  const publishScript = redis.createScript<string>(PUBLISH_SCRIPT);
  const loops = new Set<{ stop: () => Promise<void> }>();
  let closed = false;
  const ensureOpen = (): void => {
    if (closed) throw new AppError('bus_error', 'The progress bus is closed.');
  };

  const toEvents = (topic: string, entries: Entries | null): BusEvent[] =>
    Object.entries(entries ?? {}).map(([id, fields]) => ({ id, topic, payload: fields.p }));

  const range = async (topic: string, afterId: string | undefined, count?: number) =>
    toEvents(
      topic,
      await redis.xrange<{ p: unknown }>(
        busKeys(prefix, topic).stream,
        afterId === undefined ? '-' : `(${afterId}`,
        '+',
        count,
      ),
    );

  return {
    kind: 'upstash',

    async publish<T>(topic: string, payload: T): Promise<string> {
      ensureOpen();
      checkTopic(topic);
      const keys = busKeys(prefix, topic);
      const id = await publishScript.exec(
        [keys.stream, keys.dropped],
        [encodePayload(payload), String(max), keys.channel],
      );
      return String(id);
    },

    async replay<T>(topic: string, afterId?: string, limit?: number): Promise<ReplayResult<T>> {
      ensureOpen();
      checkTopic(topic);
      checkAfterId(afterId);
      checkLimit(limit);
      const keys = busKeys(prefix, topic);
      // One pipeline, XRANGE before GET: a trim in between can only make `gap` err towards true.
      const [entries, dropped] = await redis
        .pipeline()
        .xrange<{ p: unknown }>(
          keys.stream,
          afterId === undefined ? '-' : `(${afterId}`,
          '+',
          limit,
        )
        .get<string>(keys.dropped)
        .exec<[Entries | null, string | null]>();
      const gap =
        dropped !== null &&
        (afterId === undefined || compareEventIds(afterId, String(dropped)) < 0);
      return { events: toEvents(topic, entries) as BusEvent<T>[], gap };
    },

    async subscribe<T>(
      topic: string,
      onEvent: (event: BusEvent<T>) => void,
      subscribeOptions: { afterId?: string } = {},
    ): Promise<Unsubscribe> {
      ensureOpen();
      checkTopic(topic);
      checkAfterId(subscribeOptions.afterId);
      let last =
        subscribeOptions.afterId ??
        Object.keys((await redis.xrevrange(busKeys(prefix, topic).stream, '+', '-', 1)) ?? {})[0] ??
        '0-0';
      let active = true;
      let wake: () => void = () => {};
      const deliver = (event: BusEvent): void => {
        if (!active || compareEventIds(event.id, last) <= 0) return;
        last = event.id;
        try {
          onEvent(event as BusEvent<T>);
        } catch (e) {
          report(e);
        }
      };
      const pollOnce = async (): Promise<number> => {
        const page = await range(topic, last, PAGE);
        for (const event of page) deliver(event);
        return page.length;
      };
      // The first catch-up runs before subscribe resolves, as with the other adapters.
      while ((await pollOnce()) === PAGE);
      const loop = (async () => {
        let failures = 0;
        while (active) {
          await new Promise<void>((resolve) => {
            const delay = failures ? Math.min(pollMs * 2 ** failures, 5000) : pollMs;
            const timer = setTimeout(resolve, delay);
            wake = () => {
              clearTimeout(timer);
              resolve();
            };
          });
          if (!active) break;
          try {
            while (active && (await pollOnce()) === PAGE);
            failures = 0;
          } catch (e) {
            failures++;
            report(e);
          }
        }
      })();
      const handle = {
        stop: async () => {
          active = false;
          wake();
          loops.delete(handle);
          await loop;
        },
      };
      loops.add(handle);
      return handle.stop;
    },

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await Promise.all([...loops].map((l) => l.stop()));
    },
  };
}
