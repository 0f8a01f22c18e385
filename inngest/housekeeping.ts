import type { Logger } from '../core/log.ts';
import type { ObjectStore } from '../core/store/port.ts';
import type { Db } from '../db/client.ts';
import {
  expiredBundles,
  expiredTranscripts,
  markArtifactsPruned,
  markTranscriptsPruned,
  type Expired,
} from '../db/retention.ts';

/**
 * Retention housekeeping: transcripts older than TRANSCRIPT_RETENTION_DAYS and bundles beyond the
 * last BUNDLE_RETENTION deployed versions of a scenario (db/retention.ts says which ones stay) are
 * deleted from the object store; their rows are marked, never deleted, so a session or a bundle
 * shows it was removed. A setting of 0 turns its half off. Safe to run in several processes at
 * once: a deleted object is deleted again harmlessly, a marked row is not marked twice.
 */
export interface HousekeepingOptions {
  sql: Db;
  store: ObjectStore;
  log: Logger;
  transcriptRetentionDays: number;
  bundleRetention: number;
  /** Rows handled per query (default 200). */
  batch?: number;
  now?: () => number;
}

export interface HousekeepingResult {
  transcripts: number;
  bundles: number;
  /** Objects the store failed to delete (kept, tried again next time). */
  failed: number;
}

const DAY = 86_400_000;
const HOUR = 3_600_000;

export async function housekeep(o: HousekeepingOptions): Promise<HousekeepingResult> {
  const batch = o.batch ?? 200;
  const out: HousekeepingResult = { transcripts: 0, bundles: 0, failed: 0 };
  if (o.transcriptRetentionDays > 0) {
    const before = new Date((o.now?.() ?? Date.now()) - o.transcriptRetentionDays * DAY);
    const r = await sweep(
      o.store,
      batch,
      () => expiredTranscripts(o.sql, before, batch),
      (ids) => markTranscriptsPruned(o.sql, ids),
    );
    out.transcripts = r.done;
    out.failed += r.failed;
  }
  if (o.bundleRetention > 0) {
    const r = await sweep(
      o.store,
      batch,
      () => expiredBundles(o.sql, o.bundleRetention, batch),
      (ids) => markArtifactsPruned(o.sql, ids),
    );
    out.bundles = r.done;
    out.failed += r.failed;
  }
  if (out.transcripts || out.bundles || out.failed)
    o.log.info(
      `housekeeping: removed ${out.transcripts} transcript(s) and ${out.bundles} bundle(s)` +
        (out.failed ? `; ${out.failed} object(s) could not be deleted` : ''),
    );
  return out;
}

/** Deletes batches until none is left or a delete fails (the failed rows would come back). */
async function sweep(
  store: ObjectStore,
  batch: number,
  next: () => Promise<Expired[]>,
  mark: (ids: string[]) => Promise<number>,
): Promise<{ done: number; failed: number }> {
  let done = 0;
  for (;;) {
    const rows = await next();
    const deleted: string[] = [];
    let failed = 0;
    for (const row of rows) {
      try {
        await store.delete(row.key);
        deleted.push(row.id);
      } catch (e) {
        if ((e as { code?: unknown }).code === 'not_found') deleted.push(row.id);
        else failed++;
      }
    }
    done += await mark(deleted);
    if (failed > 0 || rows.length < batch) return { done, failed };
  }
}

/** Runs housekeeping now and then every `intervalMs` (default an hour) until stopped. */
export function startHousekeeping(o: HousekeepingOptions & { intervalMs?: number }): {
  stop(): Promise<void>;
} {
  if (o.transcriptRetentionDays <= 0 && o.bundleRetention <= 0) return { stop: async () => {} };
  let running: Promise<unknown> = Promise.resolve();
  const tick = (): void => {
    running = housekeep(o).catch((e: unknown) =>
      o.log.warn(`housekeeping failed: ${e instanceof Error ? e.message : String(e)}`),
    );
  };
  tick();
  const timer = setInterval(tick, o.intervalMs ?? HOUR);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
