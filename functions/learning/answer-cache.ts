import type { Forecaster } from './forecaster.ts';

/**
 * Answers computed from the run history (the analytics overview, recurring problems), kept per
 * key and refreshed behind the answer: history changes only as runs record findings and finish,
 * so a page load gets the last answer at once, and a newer one is computed behind it when a run
 * finished since (the forecaster's `version`, told by the run lifecycle) or the answer is older
 * than `maxAgeMs` (runs of other processes, the window moving on). Only the first request for a
 * key waits for the queries.
 */
export interface AnswerCache<Q, A> {
  get(q: Q): Promise<A>;
}

interface Entry<A> {
  value: Promise<A>;
  at: number;
  version: number;
  refreshing: boolean;
}

export function createAnswerCache<Q, A>(o: {
  key: (q: Q) => string;
  compute: (q: Q) => Promise<A>;
  forecaster: Pick<Forecaster, 'version'>;
  maxAgeMs?: number;
  maxEntries?: number;
}): AnswerCache<Q, A> {
  const maxAge = o.maxAgeMs ?? 60_000;
  const entries = new Map<string, Entry<A>>();
  return {
    async get(q) {
      const key = o.key(q);
      const entry = entries.get(key);
      if (!entry) {
        if (entries.size >= (o.maxEntries ?? 200)) entries.delete(entries.keys().next().value!);
        const fresh: Entry<A> = {
          value: o.compute(q),
          at: Date.now(),
          version: o.forecaster.version,
          refreshing: false,
        };
        entries.set(key, fresh);
        fresh.value.catch(() => entries.delete(key));
        return fresh.value;
      }
      const stale = entry.version !== o.forecaster.version || Date.now() - entry.at > maxAge;
      if (stale && !entry.refreshing) {
        entry.refreshing = true;
        const version = o.forecaster.version;
        const next = o.compute(q);
        next
          .then(() => Object.assign(entry, { value: next, at: Date.now(), version }))
          .catch(() => {})
          .finally(() => (entry.refreshing = false));
      }
      return entry.value;
    },
  };
}
