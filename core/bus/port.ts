/**
 * The progress bus port: how progress and agent events reach live viewers. Two adapters: Redis
 * (streams for replay, pub/sub for fan-out, over a TCP client) and in-process (a bounded replay
 * buffer per topic). Both pass the contract suite in core/bus/contract.ts.
 *
 * A topic is a string such as `scenario:<uuid>` or `campaign:<uuid>`. Every published event gets
 * an id from the bus; ids are strictly increasing within a topic and comparable with
 * `compareEventIds`, so a reconnecting reader can ask for everything after the last id it saw.
 */
export interface BusEvent<T = unknown> {
  /** Bus-assigned id, increasing within the topic (Redis stream id form `ms-n`). */
  id: string;
  topic: string;
  payload: T;
}

export interface ReplayResult<T = unknown> {
  events: BusEvent<T>[];
  /**
   * True when events after `afterId` may have been dropped by the retention bound, i.e. the
   * oldest retained event is newer than `afterId`'s successor. The caller then sends a snapshot
   * from the database first.
   */
  gap: boolean;
}

export type Unsubscribe = () => Promise<void>;

export interface ProgressBus {
  readonly kind: string;
  /** Appends to the topic's stream (bounded) and fans out to live subscribers. Returns the id. */
  publish<T>(topic: string, payload: T): Promise<string>;
  /** Retained events after `afterId` (all retained when omitted), oldest first, at most `limit`. */
  replay<T>(topic: string, afterId?: string, limit?: number): Promise<ReplayResult<T>>;
  /**
   * Delivers every event published to `topic` after the call, in order, exactly once. With
   * `afterId`, first delivers retained events after it (replay), then live ones, with no gap and
   * no duplicate between the two.
   */
  subscribe<T>(
    topic: string,
    onEvent: (event: BusEvent<T>) => void,
    options?: { afterId?: string },
  ): Promise<Unsubscribe>;
  close(): Promise<void>;
}

/** Orders two bus ids (`ms-n`): negative when a < b. */
export function compareEventIds(a: string, b: string): number {
  const [am = 0, an = 0] = a.split('-').map(Number);
  const [bm = 0, bn = 0] = b.split('-').map(Number);
  return am !== bm ? am - bm : an - bn;
}

/** True when `s` has the bus id form `ms-n` (both parts non-negative decimal integers). */
export function isEventId(s: string): boolean {
  return /^\d{1,16}-\d{1,16}$/.test(s);
}
