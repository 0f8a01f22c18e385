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
        let idx: number;
        while ((idx = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, idx);
          buffer = buffer.slice(idx + 2);
          const msg: SseMessage = { event: 'message', data: undefined };
          const dataLines: string[] = [];
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) msg.comment = line.slice(1).trim();
            else if (line.startsWith('event:')) msg.event = line.slice(6).trim();
            else if (line.startsWith('id:')) msg.id = line.slice(3).trim();
            else if (line.startsWith('data:')) dataLines.push(line.slice(5).trimStart());
          }
          if (dataLines.length) msg.data = JSON.parse(dataLines.join('\n'));
          else if (msg.comment !== undefined) msg.event = 'comment';
          queue.push(msg);
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
