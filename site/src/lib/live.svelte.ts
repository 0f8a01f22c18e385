import { tokenUrl, withQuery } from './api.ts';
import { auth } from './auth.svelte.ts';
import { LIVE_KINDS, type LiveEvent, type LiveEventType, type SnapshotData } from './types.ts';

/**
 * Live progress over Server-Sent Events. The browser's EventSource reconnects by itself and sends
 * Last-Event-ID, so the server replays what was missed; the pages de-duplicate events by their
 * per-scenario `seq` (live-apply.ts for cards and headers, scenario-log.svelte.ts for the log).
 * When the server has no stream endpoint (404) the stream goes quiet and the page keeps working
 * from plain API reads.
 */
export type StreamState = 'connecting' | 'live' | 'reconnecting' | 'unavailable' | 'closed';

/** SSE event names: the live event kinds, and `snapshot`. */
const EVENT_TYPES = [...LIVE_KINDS, 'snapshot'];
/**
 * Streams that answered with an error before ever opening (no such endpoint, or the token was
 * refused), by path and token: not tried again this page load unless the token changes.
 */
const refused = new Set<string>();

/** What a stream hands over: ordinary events, and snapshots (on connect, or after a gap). */
export interface StreamHandlers {
  event(ev: LiveEvent): void;
  snapshot?(data: SnapshotData): void;
}

type Arrival = { snapshot: SnapshotData } | { event: LiveEvent };

/**
 * One EventSource with a readable state; parses messages and hands them to its handlers in
 * batches, once per animation frame: the browser dispatches every message of a network chunk in
 * one task, and applying them one by one would re-render the page for each (a busy campaign sends
 * thousands a second).
 */
export class LiveStream {
  state = $state<StreamState>('connecting');
  /** Messages received, for diagnostics and tests. */
  received = $state(0);
  #es: EventSource | null = null;
  #opened = false;
  #retry: ReturnType<typeof setTimeout> | null = null;
  #queue: Arrival[] = [];
  #frame = 0;
  #fallback: ReturnType<typeof setTimeout> | null = null;
  readonly #key: string;
  readonly #path: string;
  readonly #handlers: StreamHandlers;

  constructor(path: string, handlers: StreamHandlers) {
    this.#path = path;
    this.#key = `${path.replace(/\?.*$/, '').replace(/[0-9a-f-]{36}/g, ':id')}|${auth.token}`;
    this.#handlers = handlers;
    this.#open();
  }

  #open(): void {
    if (refused.has(this.#key) || typeof EventSource === 'undefined') {
      this.state = 'unavailable';
      return;
    }
    const es = new EventSource(tokenUrl(this.#path));
    this.#es = es;
    es.onopen = () => {
      this.#opened = true;
      this.state = 'live';
    };
    es.onerror = () => {
      if (es.readyState === EventSource.CONNECTING) {
        this.state = 'reconnecting';
        return;
      }
      // CLOSED: the server answered with an error status or not an event stream.
      es.close();
      if (!this.#opened) {
        refused.add(this.#key);
        this.state = 'unavailable';
        return;
      }
      // It worked before (server restart?): try again from scratch after a pause.
      this.state = 'reconnecting';
      this.#retry = setTimeout(() => this.#open(), 5000);
    };
    const handle = (e: MessageEvent<string>) => {
      this.received++;
      let data: unknown;
      try {
        data = JSON.parse(e.data);
      } catch {
        return;
      }
      if (!data || typeof data !== 'object') return;
      if (e.type === 'snapshot') {
        this.#enqueue({ snapshot: data as SnapshotData });
        return;
      }
      const ev = data as LiveEvent;
      if (!ev.type) ev.type = (e.type === 'message' ? 'log' : e.type) as LiveEventType;
      this.#enqueue({ event: ev });
    };
    // The session was signed out or the token revoked while streaming: do not reconnect.
    es.addEventListener('revoked', () => {
      es.close();
      this.state = 'unavailable';
    });
    for (const t of EVENT_TYPES) es.addEventListener(t, handle as EventListener);
    es.addEventListener('message', handle as EventListener);
  }

  #enqueue(a: Arrival): void {
    this.#queue.push(a);
    if (this.#fallback) return;
    this.#frame = requestAnimationFrame(() => this.#flush());
    // Hidden tabs get no animation frames; they still catch up, just less often.
    this.#fallback = setTimeout(() => this.#flush(), 250);
  }

  #flush(): void {
    cancelAnimationFrame(this.#frame);
    if (this.#fallback) clearTimeout(this.#fallback);
    this.#fallback = null;
    for (const a of this.#queue.splice(0)) {
      if ('snapshot' in a) this.#handlers.snapshot?.(a.snapshot);
      else this.#handlers.event(a.event);
    }
  }

  close(): void {
    if (this.#retry) clearTimeout(this.#retry);
    cancelAnimationFrame(this.#frame);
    if (this.#fallback) clearTimeout(this.#fallback);
    this.#queue = [];
    this.#es?.close();
    this.#es = null;
    this.state = 'closed';
  }
}

/** The stream of every scenario in a campaign (or all campaigns when `campaignId` is null). */
export function campaignStream(campaignId: string | null, handlers: StreamHandlers): LiveStream {
  return new LiveStream(withQuery('/api/events', { campaign: campaignId ?? undefined }), handlers);
}

/** The stream of one scenario: progress and the agent's every line. */
export function scenarioStream(scenarioId: string, handlers: StreamHandlers): LiveStream {
  return new LiveStream(`/api/scenarios/${scenarioId}/events`, handlers);
}
