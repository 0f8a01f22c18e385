import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { create } from 'tar';
import { isAppError, NotFoundError } from '../../core/errors.ts';
import type { ObjectStore } from '../../core/store/port.ts';
import type { Sql } from '../../db/client.ts';
import {
  ARCHIVE_TABLES,
  OBJECT_KEY_COLUMNS,
  campaignExists,
  readArchiveRows,
  schemaVersion,
} from '../../db/data-archive.ts';
import { ARCHIVE_FORMAT, ARCHIVE_FORMAT_VERSION, type ArchiveManifest } from './manifest.ts';

export interface ExportResult {
  manifest: ArchiveManifest;
  /** Size of the written archive. */
  bytes: number;
}

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

/**
 * Writes campaigns, scenarios, runs, plans, findings, agent interactions and artifact rows, and
 * the objects they name (plans, bundles, transcripts, raw validator output), to one .tar.gz.
 * Rows are read in one repeatable-read transaction, so the archive is a consistent snapshot.
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
    };
    const keys = new Set<string>();
    await opts.sql.begin('ISOLATION LEVEL REPEATABLE READ READ ONLY', async (tx) => {
      if (campaignId !== null && !(await campaignExists(tx, campaignId)))
        throw new NotFoundError('Campaign', campaignId);
      manifest.schemaVersion = await schemaVersion(tx);
      for (const name of ARCHIVE_TABLES) {
        const rows = await readArchiveRows(tx, name, campaignId);
        for (const row of rows)
          for (const col of OBJECT_KEY_COLUMNS[name]) {
            const key = row[col];
            if (typeof key === 'string' && key) keys.add(key);
          }
        const text = JSON.stringify(rows);
        const file = `tables/${name}.json`;
        await writeFile(path.join(dir, file), text);
        manifest.tables.push({ name, file, rows: rows.length, sha256: sha256(text) });
      }
    });
    for (const key of [...keys].sort()) {
      let data: Buffer;
      try {
        data = await opts.store.get(key);
      } catch (e) {
        if (!isAppError(e, 'not_found')) throw e;
        manifest.missingObjects.push(key);
        continue;
      }
      const file = `objects/${manifest.objects.length}`;
      await writeFile(path.join(dir, file), data);
      manifest.objects.push({ key, file, size: data.length, sha256: sha256(data) });
    }
    await writeFile(path.join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
    await mkdir(path.dirname(path.resolve(opts.file)), { recursive: true });
    await create({ gzip: true, file: opts.file, cwd: dir, portable: true }, [
      'manifest.json',
      'tables',
      'objects',
    ]);
    const { size } = await stat(opts.file);
    return { manifest, bytes: size };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
