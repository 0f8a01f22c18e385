import type { Sql } from '../../db/client.ts';
import type { AnalyticsOverview } from '../contract/learning.ts';
import type { Forecaster } from './forecaster.ts';
import { analyticsOverview } from './overview.ts';

/**
 * The analytics page's answers, kept per (campaign, window) and refreshed in the background:
 * history changes only when a run finishes, so a page load gets the last answer at once and a
 * newer one is computed behind it when a run finished since (the forecaster's `version`, told by
 * the run lifecycle) or the answer is older than `maxAgeMs` (runs finished by other processes,
 * and the window moving on). Only the first request for a key waits for the queries.
 */
export interface OverviewCache {
  get(q: { campaignId?: string | undefined; days: number }): Promise<AnalyticsOverview>;
}

interface Entry {
  value: Promise<AnalyticsOverview>;
  at: number;
  version: number;
  refreshing: boolean;
}

export function createOverviewCache(o: {
  sql: Sql;
  forecaster: Forecaster;
  maxAgeMs?: number;
  maxEntries?: number;
}): OverviewCache {
  const maxAge = o.maxAgeMs ?? 60_000;
  const entries = new Map<string, Entry>();
  const compute = (q: { campaignId?: string | undefined; days: number }) =>
    analyticsOverview(o.sql, o.forecaster, q);

  return {
    async get(q) {
      const key = `${q.campaignId ?? '*'}:${q.days}`;
      const entry = entries.get(key);
      if (!entry) {
        if (entries.size >= (o.maxEntries ?? 200)) entries.delete(entries.keys().next().value!);
        const fresh: Entry = {
          value: compute(q),
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
        const next = compute(q);
        next
          .then(() => Object.assign(entry, { value: next, at: Date.now(), version }))
          .catch(() => {})
          .finally(() => (entry.refreshing = false));
      }
      return entry.value;
    },
  };
}
