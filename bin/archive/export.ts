import { mkdir, mkdtemp, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { create } from 'tar';
import { isAppError, NotFoundError } from '../../core/errors.ts';
import type { ObjectStore } from '../../core/store/port.ts';
import type { Sql } from '../../db/client.ts';
import {
  campaignExists,
  channelsWithSecrets,
  eachArchiveBatch,
  schemaVersion,
  tablesFor,
} from '../../db/data-archive.ts';
import { streamToFile, textWriter } from './files.ts';
import { ARCHIVE_FORMAT, ARCHIVE_FORMAT_VERSION, type ArchiveManifest } from './manifest.ts';

const MIB = 1024 * 1024;

export interface ExportResult {
  manifest: ArchiveManifest;
  /** Size of the written archive. */
  bytes: number;
}

/**
 * Writes the tables db/archive-tables.ts exports (a campaign's, or the whole instance's) and the
 * objects their rows name (plans, bundles, transcripts, raw validator output) to one .tar.gz.
 * Rows are read in one repeatable-read transaction, so the archive is a consistent snapshot.
 * Everything streams: rows through a cursor in batches into NDJSON files, objects from the store
 * into files, the files into the tarball; memory stays flat however big the data. The staging
 * folder lives under the OS temp folder (TMPDIR) and is removed at the end.
 */
export async function exportArchive(opts: {
  sql: Sql;
  store: ObjectStore;
  file: string;
  campaignId?: string | null;
}): Promise<ExportResult> {
  const campaignId = opts.campaignId ?? null;
  const dir = await mkdtemp(path.join(tmpdir(), 'sg-export-'));
  try {
    await mkdir(path.join(dir, 'tables'));
    await mkdir(path.join(dir, 'objects'));
    const manifest: ArchiveManifest = {
      format: ARCHIVE_FORMAT,
      formatVersion: ARCHIVE_FORMAT_VERSION,
      createdAt: new Date().toISOString(),
      campaignId,
      schemaVersion: 0,
      tables: [],
      objects: [],
      missingObjects: [],
      secretsOmitted: [],
    };
    const keys = new Set<string>();
    await opts.sql.begin('ISOLATION LEVEL REPEATABLE READ READ ONLY', async (tx) => {
      if (campaignId !== null && !(await campaignExists(tx, campaignId)))
        throw new NotFoundError('Campaign', campaignId);
      manifest.schemaVersion = await schemaVersion(tx);
      manifest.secretsOmitted = await channelsWithSecrets(tx, campaignId);
      for (const name of tablesFor(campaignId !== null)) {
        const file = `tables/${name}.ndjson`;
        const out = textWriter(path.join(dir, file));
        await eachArchiveBatch(tx, name, campaignId, async (rows) => {
          await out.write(rows.map((r) => `${r.json}\n`).join(''));
          for (const r of rows) for (const k of r.keys) if (k) keys.add(k);
        });
        const d = await out.close();
        manifest.tables.push({ name, file, rows: d.lines, sha256: d.sha256 });
      }
    });
    for (const key of [...keys].sort()) {
      let body;
      try {
        body = await opts.store.stream(key);
      } catch (e) {
        if (!isAppError(e, 'not_found')) throw e;
        manifest.missingObjects.push(key);
        continue;
      }
      const file = `objects/${manifest.objects.length}`;
      const d = await streamToFile(body, path.join(dir, file));
      manifest.objects.push({ key, file, size: d.size, sha256: d.sha256 });
    }
    await writeFile(path.join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
    await mkdir(path.dirname(path.resolve(opts.file)), { recursive: true });
    // manifest.json first, so a reader meets it before the data.
    // Written beside FILE and renamed over it: a failed export leaves no half archive.
    const partial = `${opts.file}.partial`;
    try {
      // Small reads keep the buffers in flight small (tar's default is 16 MiB per read).
      await create({ gzip: true, file: partial, cwd: dir, portable: true, maxReadSize: MIB }, [
        'manifest.json',
        'tables',
        'objects',
      ]);
      await rename(partial, opts.file);
    } finally {
      await rm(partial, { force: true });
    }
    const { size } = await stat(opts.file);
    return { manifest, bytes: size };
  } finally {
    // Retried: a failed extract may still be closing files in it. A cleanup failure must not
    // hide the error that matters.
    await rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 }).catch(() => {});
  }
}
