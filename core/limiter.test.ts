import { describe, expect, it } from 'vitest';
import { createLimiter } from './limiter.ts';

const tick = (ms = 5) => new Promise((r) => setTimeout(r, ms));

describe('limiter', () => {
  it('never runs more than max at once, and starts waiting tasks in order', async () => {
    const l = createLimiter(2);
    let running = 0;
    let peak = 0;
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        l.run(async () => {
          order.push(i);
          running++;
          peak = Math.max(peak, running);
          await tick(3 + (i % 3));
          running--;
        }),
      ),
    );
    expect(peak).toBe(2);
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(l.active).toBe(0);
  });

  it('drops a waiting task whose signal aborts, and frees the slot of a failed task', async () => {
    const l = createLimiter(1);
    let release!: () => void;
    const first = l.run(() => new Promise<void>((r) => (release = r)));
    const ctl = new AbortController();
    let ran = false;
    const second = l.run(async () => {
      ran = true;
    }, ctl.signal);
    expect(l.waiting).toBe(1);
    ctl.abort(new Error('cancelled'));
    await expect(second).rejects.toThrow('cancelled');
    expect(l.waiting).toBe(0);
    release();
    await first;
    await expect(l.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await l.run(async () => 42)).toBe(42);
    expect(ran).toBe(false);
  });
});
