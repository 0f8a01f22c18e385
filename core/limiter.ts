/**
 * A counting semaphore: at most `max` tasks run at once, the rest wait in order. Used to cap the
 * agent sessions one runner runs at once (each is a CLI process of a few hundred MB).
 */
export interface Limiter {
  /** Runs `fn` when a slot is free; rejects without running it if `signal` aborts first. */
  run<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T>;
  readonly active: number;
  readonly waiting: number;
  readonly max: number;
}

export function createLimiter(max: number): Limiter {
  if (!Number.isInteger(max) || max < 1)
    throw new Error(`a limiter needs at least one slot, got ${max}`);
  let active = 0;
  const queue: Array<() => void> = [];
  const release = () => {
    active--;
    queue.shift()?.();
  };
  return {
    max,
    get active() {
      return active;
    },
    get waiting() {
      return queue.length;
    },
    async run(fn, signal) {
      if (active >= max) {
        await new Promise<void>((resolve, reject) => {
          const go = () => {
            signal?.removeEventListener('abort', abort);
            resolve();
          };
          const abort = () => {
            const i = queue.indexOf(go);
            if (i >= 0) queue.splice(i, 1);
            reject(signal!.reason ?? new Error('aborted'));
          };
          if (signal?.aborted) return abort();
          signal?.addEventListener('abort', abort, { once: true });
          queue.push(go);
        });
      }
      active++;
      try {
        return await fn();
      } finally {
        release();
      }
    },
  };
}
