import type { ProgressBus } from './port.ts';

export type { BusEvent, ProgressBus, ReplayResult, Unsubscribe } from './port.ts';
export { compareEventIds, isEventId } from './port.ts';

/** Which progress bus to build: in-process (embedded default) or Redis. */
export type BusConfig =
  | { kind: 'memory'; maxPerTopic?: number }
  | { kind: 'redis'; url: string; maxPerTopic?: number; keyPrefix?: string };

/** Builds the configured progress bus; for Redis, resolves once connected. */
export async function createBus(config: BusConfig): Promise<ProgressBus> {
  // Adapters load only when chosen: the Redis client is not needed for the in-process bus.
  if (config.kind === 'memory')
    return (await import('./memory.ts')).createMemoryBus({ maxPerTopic: config.maxPerTopic });
  return (await import('./redis.ts')).createRedisBus({
    url: config.url,
    maxPerTopic: config.maxPerTopic,
    keyPrefix: config.keyPrefix,
  });
}
