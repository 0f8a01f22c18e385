import type { Context } from 'hono';
import { streamSSE, type SSEStreamingApi } from 'hono/streaming';
import type { BusEvent, ProgressBus } from '../core/bus/port.ts';
import type { StreamRevoked } from './contract/events.ts';
import type { AppEnv } from './deps.ts';
import type { Encodes } from './reply.ts';

/** One SSE message before encoding: `event:`, `id:` and the `data:` to send as JSON. */
export interface SseMessage {
  event: string;
  id?: string;
  data: unknown;
}

/**
 * The shared mechanics of a live stream: subscribe first (buffering), catch up (the route's
 * replay), then deliver buffered and live events in order without duplicates, with heartbeats.
 * `Out` is the contract's message type: what catch-up sends must encode to it.
 */
export interface StreamPlan<T, Out extends SseMessage> {
  topic: string;
  /** Sends whatever the viewer missed; returns the key of the last thing sent (or undefined). */
  catchUp(send: <const M>(msg: M & Encodes<M, Out>) => Promise<void>): Promise<string | undefined>;
  /** Key used to order and de-duplicate events (sequence number or bus id). */
  keyOf(event: BusEvent<T>): string;
  /** Negative when a < b. */
  compare(a: string, b: string): number;
  /** SSE id for a live event. */
  idOf(event: BusEvent<T>): string;
  eventName(event: BusEvent<T>): string;
}

let openStreams = 0;

/** Live SSE streams this process serves now (GET /metrics). */
export function sseClients(): number {
  return openStreams;
}

/** Streams `plan`'s topic as SSE; a HEAD request gets the stream's headers and nothing else. */
export function liveStream<T, Out extends SseMessage>(
  c: Context<AppEnv>,
  bus: ProgressBus,
  heartbeatMs: number,
  plan: StreamPlan<T, Out>,
): Response {
  // Node's server never reports an abort for a HEAD response's body, so a stream opened for one
  // would keep its subscription and heartbeat forever (and hold shutdown open): headers only.
  if (c.req.method === 'HEAD')
    return new Response(null, {
      headers: {
        'content-type': 'text/event-stream',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
      },
    });
  return streamSSE(c, async (stream: SSEStreamingApi) => {
    openStreams++;
    try {
      await serve(stream);
    } finally {
      openStreams--;
    }
  });

  async function serve(stream: SSEStreamingApi): Promise<void> {
    let last: string | undefined;
    let caughtUp = false;
    const pending: BusEvent<T>[] = [];
    let chain = Promise.resolve();
    const deliver = (e: BusEvent<T>) => {
      const key = plan.keyOf(e);
      if (last !== undefined && plan.compare(key, last) <= 0) return Promise.resolve();
      last = key;
      return stream.writeSSE({
        event: plan.eventName(e),
        id: plan.idOf(e),
        data: JSON.stringify(e.payload),
      });
    };
    const unsubscribe = await bus.subscribe<T>(plan.topic, (e) => {
      if (!caughtUp) pending.push(e);
      else chain = chain.then(() => deliver(e)).catch(() => {});
    });
    let end: () => void = () => {};
    const closed = new Promise<void>((resolve) => {
      end = resolve;
      stream.onAbort(() => resolve());
    });
    // A stream outlives the request's check: at each heartbeat the credential is asked again,
    // and a signed-out session or revoked token ends the stream with a last `revoked` event.
    const credentialValid = c.get('credentialValid');
    const heartbeat = setInterval(() => {
      chain = chain
        .then(async () => {
          // A failed check (the database away for a moment) is not a revocation: keep streaming.
          if (credentialValid && !(await credentialValid().catch(() => true))) {
            const data: StreamRevoked = {
              detail: 'The session or token was revoked; sign in again.',
            };
            await stream.writeSSE({ event: 'revoked', data: JSON.stringify(data) });
            end();
            return;
          }
          await stream.write(`: heartbeat ${Date.now()}\n\n`);
        })
        .catch(() => {});
    }, heartbeatMs);
    try {
      last = await plan.catchUp(async (sent) => {
        const msg = sent as unknown as SseMessage;
        await stream.writeSSE({
          event: msg.event,
          ...(msg.id ? { id: msg.id } : {}),
          data: JSON.stringify(msg.data),
        });
      });
      // No await between the emptiness check and the flag: nothing can slip in between.
      while (pending.length) await deliver(pending.shift()!);
      caughtUp = true;
      await closed;
    } finally {
      clearInterval(heartbeat);
      await unsubscribe();
    }
  }
}
