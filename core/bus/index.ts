import type { ProgressBus } from './port.ts';

export type { BusEvent, ProgressBus, ReplayResult, Unsubscribe } from './port.ts';
export { compareEventIds, isEventId } from './port.ts';

/** Which progress bus to build: in-process (embedded default), Redis (TCP) or Upstash (HTTP). */
export type BusConfig =
  | { kind: 'memory'; maxPerTopic?: number }
  | { kind: 'redis'; url: string; maxPerTopic?: number; keyPrefix?: string }
  | {
      kind: 'upstash';
      url: string;
      token: string;
      maxPerTopic?: number;
      keyPrefix?: string;
      pollMs?: number;
    };

/** Builds the configured progress bus; for Redis, resolves once connected (Upstash: at once). */
export async function createBus(config: BusConfig): Promise<ProgressBus> {
  // Adapters load only when chosen: the Redis client is not needed for the in-process bus.
  if (config.kind === 'memory')
    return (await import('./memory.ts')).createMemoryBus({ maxPerTopic: config.maxPerTopic });
  if (config.kind === 'upstash') return (await import('./upstash.ts')).createUpstashBus(config);
  return (await import('./redis.ts')).createRedisBus({
    url: config.url,
    maxPerTopic: config.maxPerTopic,
    keyPrefix: config.keyPrefix,
  });
}
