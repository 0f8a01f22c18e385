/**
 * A shared clock for elapsed times: ten timers for the whole page, each ticking once a second
 * only while something reads it, offset by a tenth of a second from the next. A card reads the
 * slot of its id, so hundreds of running cards do not all redraw in the same frame.
 */
import { createSubscriber } from 'svelte/reactivity';

const SLOTS = 10;
const subscribers = Array.from({ length: SLOTS }, (_, slot) =>
  createSubscriber((update) => {
    let timer: ReturnType<typeof setInterval> | undefined;
    const start = setTimeout(
      () => {
        update();
        timer = setInterval(update, 1000);
      },
      slot * (1000 / SLOTS),
    );
    return () => {
      clearTimeout(start);
      clearInterval(timer);
    };
  }),
);

/** Milliseconds since the epoch, reactive: readers re-run each second while observed. */
export function now(key = ''): number {
  let slot = 0;
  for (let i = 0; i < key.length; i++) slot = (slot * 31 + key.charCodeAt(i)) % SLOTS;
  subscribers[slot]!();
  return Date.now();
}
