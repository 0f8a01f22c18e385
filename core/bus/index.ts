import { createMemoryBus } from './memory.ts';
import type { ProgressBus } from './port.ts';
import { createRedisBus } from './redis.ts';

export type { BusEvent, ProgressBus, ReplayResult, Unsubscribe } from './port.ts';
export { compareEventIds, isEventId } from './port.ts';

/** Which progress bus to build: in-process (embedded default) or Redis. */
export type BusConfig =
  | { kind: 'memory'; maxPerTopic?: number }
  | { kind: 'redis'; url: string; maxPerTopic?: number; keyPrefix?: string };

/** Builds the configured progress bus; for Redis, resolves once connected. */
export async function createBus(config: BusConfig): Promise<ProgressBus> {
  if (config.kind === 'memory') return createMemoryBus({ maxPerTopic: config.maxPerTopic });
  return createRedisBus({
    url: config.url,
    maxPerTopic: config.maxPerTopic,
    keyPrefix: config.keyPrefix,
  });
}
