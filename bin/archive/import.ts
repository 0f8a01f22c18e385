import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConflictError } from '../../core/errors.ts';
import type { ObjectStore } from '../../core/store/port.ts';
import { audit } from '../../db/audit.ts';
import type { Sql } from '../../db/client.ts';
import {
  conflictingRows,
  insertArchiveRows,
  insertColumns,
  refreshRunStats,
  schemaVersion,
} from '../../db/data-archive.ts';
import { digestStream, lineBatches } from './files.ts';
import type { ArchiveManifest } from './manifest.ts';
import { unpackArchive } from './unpack.ts';

export interface ImportResult {
  manifest: ArchiveManifest;
  /** Rows inserted per table (rows already present and identical are skipped). */
  inserted: Record<string, number>;
  /** Objects written to the store (identical ones already there are skipped). */
  objectsWritten: number;
}

/**
 * Loads an archive written by exportArchive. The archive is unpacked to a temp folder (TMPDIR)
 * and checked whole first (unpack.ts). Idempotent: rows and objects already present with the
 * same contents are skipped, so importing twice changes nothing. A row whose key exists with
 * different contents, a unique value held by another row, or an object key holding other bytes
 * refuses the whole import, named in the error. Rows go in one transaction; objects are put
 * at its end, and the ones this import wrote are deleted again when anything fails, so a failed
 * import leaves the database and the store as they were. Rows and objects are streamed from
 * the unpacked files in batches, never read whole.
 */
export async function importArchive(opts: {
  sql: Sql;
  store: ObjectStore;
  file: string;
  actor?: string;
}): Promise<ImportResult> {
  const dir = await mkdtemp(path.join(tmpdir(), 'sg-import-'));
  try {
    const manifest = await unpackArchive(opts.file, dir);
    const objects: ArchiveManifest['objects'] = [];
    for (const o of manifest.objects) {
      const held = await opts.store.stat(o.key);
      if (!held) {
        objects.push(o);
        continue;
      }
      const same =
        held.size === o.size &&
        (await digestStream(await opts.store.stream(o.key))).sha256 === o.sha256;
      if (!same)
        throw new ConflictError(
          `Refusing to import: object ${o.key} already exists in the store with other contents.`,
          { key: o.key },
        );
    }

    const inserted: Record<string, number> = {};
    const written: string[] = [];
    try {
      await opts.sql.begin(async (tx) => {
        const ours = await schemaVersion(tx);
        if (ours !== manifest.schemaVersion)
          throw new ConflictError(
            `Refusing to import: the archive was written at schema version ${manifest.schemaVersion}, this database is at ${ours}` +
              (ours < manifest.schemaVersion ? ' (run `scenario-gen migrate` first).' : '.'),
            { archive: manifest.schemaVersion, database: ours },
          );
        const newRuns: string[] = [];
        for (const t of manifest.tables) {
          const columns = await insertColumns(tx, t.name);
          let count = 0;
          for await (const lines of lineBatches(path.join(dir, t.file))) {
            const clash = await conflictingRows(tx, t.name, lines);
            if (clash.length)
              throw new ConflictError(
                `Refusing to import: ${t.name} row(s) already exist with other contents: ${clash.slice(0, 5).join(', ')}${clash.length > 5 ? ', …' : ''}.`,
                { table: t.name, keys: clash },
              );
            const keys = await insertArchiveRows(tx, t.name, columns, lines);
            count += keys.length;
            if (t.name === 'runs') newRuns.push(...keys);
          }
          inserted[t.name] = count;
        }
        await refreshRunStats(tx, newRuns);
        await audit(tx, {
          actor: opts.actor ?? 'local',
          action: 'data.import',
          targetType: manifest.campaignId ? 'campaign' : 'instance',
          targetId: manifest.campaignId,
          campaignId: manifest.campaignId,
          details: { file: path.basename(opts.file), createdAt: manifest.createdAt, inserted },
        });
        // Objects last, inside the transaction: a failed write rolls the rows back.
        for (const o of objects) {
          await opts.store.put(o.key, createReadStream(path.join(dir, o.file)));
          written.push(o.key);
        }
      });
    } catch (e) {
      for (const key of written) await opts.store.delete(key).catch(() => {});
      throw e;
    }
    return { manifest, inserted, objectsWritten: objects.length };
  } finally {
    // Retried: a failed extract may still be closing files in it. A cleanup failure must not
    // hide the error that matters.
    await rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 }).catch(() => {});
  }
}
