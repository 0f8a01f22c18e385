import { takeSseMessages } from '../../bin/sse.ts';

/** A minimal SSE reader for tests: parses a streaming Response into messages. */
export interface SseMessage {
  event: string;
  id?: string;
  data: any;
  comment?: string;
}

export function readSse(res: Response): {
  next(timeoutMs?: number): Promise<SseMessage>;
  take(n: number, timeoutMs?: number): Promise<SseMessage[]>;
  close(): Promise<void>;
} {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const queue: SseMessage[] = [];
  const waiters: Array<() => void> = [];
  let done = false;
  (async () => {
    try {
      for (;;) {
        const { value, done: d } = await reader.read();
        if (d) break;
        buffer += decoder.decode(value, { stream: true });
        const { messages, rest } = takeSseMessages(buffer);
        buffer = rest;
        if (messages.length) {
          queue.push(...(messages as SseMessage[]));
          waiters.splice(0).forEach((w) => w());
        }
      }
    } catch {
      /* closed */
    } finally {
      done = true;
      waiters.splice(0).forEach((w) => w());
    }
  })();
  const next = async (timeoutMs = 5000): Promise<SseMessage> => {
    const deadline = Date.now() + timeoutMs;
    while (!queue.length) {
      if (done) throw new Error('stream ended');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('timed out waiting for an SSE message');
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
    return queue.shift()!;
  };
  return {
    next,
    async take(n, timeoutMs = 5000) {
      const out: SseMessage[] = [];
      while (out.length < n) {
        const m = await next(timeoutMs);
        if (m.event !== 'comment') out.push(m);
      }
      return out;
    },
    async close() {
      await reader.cancel().catch(() => {});
    },
  };
}
