import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { extract } from 'tar';
import { AppError, ConflictError } from '../../core/errors.ts';
import type { ObjectStore } from '../../core/store/port.ts';
import type { Sql } from '../../db/client.ts';
import {
  conflictingRows,
  insertArchiveRows,
  schemaVersion,
  type ArchiveRow,
  type ArchiveTable,
} from '../../db/data-archive.ts';
import { parseManifest, type ArchiveManifest } from './manifest.ts';

export interface ImportResult {
  manifest: ArchiveManifest;
  /** Rows inserted per table (rows already present and identical are skipped). */
  inserted: Record<string, number>;
  /** Objects written to the store (identical ones already there are skipped). */
  objectsWritten: number;
}

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

/** Reads a file of the unpacked archive and checks it against the manifest's hash. */
async function readChecked(dir: string, file: string, hash: string): Promise<Buffer> {
  const data = await readFile(path.join(dir, file)).catch(() => {
    throw new AppError('bad_request', `The archive lacks ${file}, which its manifest lists.`);
  });
  if (sha256(data) !== hash)
    throw new AppError('bad_request', `${file} in the archive does not match its manifest hash.`);
  return data;
}

/**
 * Loads an archive written by exportArchive. Idempotent: rows and objects already present with
 * the same contents are skipped, so importing twice changes nothing. A row whose id exists with
 * different contents, or an object whose key holds other bytes, refuses the whole import (named
 * in the error) before anything is written; rows go in one transaction.
 */
export async function importArchive(opts: {
  sql: Sql;
  store: ObjectStore;
  file: string;
}): Promise<ImportResult> {
  const dir = await mkdtemp(path.join(tmpdir(), 'sg-import-'));
  try {
    await extract({ file: opts.file, cwd: dir, strict: true, preservePaths: false }).catch((e) => {
      throw new AppError('bad_request', `${opts.file} is not a readable .tar.gz archive.`, {
        cause: e,
      });
    });
    const text = await readFile(path.join(dir, 'manifest.json'), 'utf8').catch(() => {
      throw new AppError('bad_request', `${opts.file} holds no manifest.json: not an export.`);
    });
    const manifest = parseManifest(text);
    const tables: Array<{ name: ArchiveTable; rows: ArchiveRow[] }> = [];
    for (const t of manifest.tables) {
      const rows = JSON.parse((await readChecked(dir, t.file, t.sha256)).toString('utf8'));
      if (!Array.isArray(rows) || rows.length !== t.rows)
        throw new AppError('bad_request', `${t.file} does not hold the ${t.rows} rows listed.`);
      tables.push({ name: t.name, rows: rows as ArchiveRow[] });
    }
    const objects: Array<{ key: string; data: Buffer }> = [];
    for (const o of manifest.objects) {
      const data = await readChecked(dir, o.file, o.sha256);
      const held = await opts.store.stat(o.key);
      if (held && held.size === data.length && sha256(await opts.store.get(o.key)) === o.sha256)
        continue;
      if (held)
        throw new ConflictError(
          `Refusing to import: object ${o.key} already exists in the store with other contents.`,
          { key: o.key },
        );
      objects.push({ key: o.key, data });
    }

    const inserted: Record<string, number> = {};
    await opts.sql.begin(async (tx) => {
      const ours = await schemaVersion(tx);
      if (ours !== manifest.schemaVersion)
        throw new ConflictError(
          `Refusing to import: the archive was written at schema version ${manifest.schemaVersion}, this database is at ${ours}` +
            (ours < manifest.schemaVersion ? ' (run `scenario-gen migrate` first).' : '.'),
          { archive: manifest.schemaVersion, database: ours },
        );
      for (const t of tables) {
        const ids = await conflictingRows(tx, t.name, t.rows);
        if (ids.length)
          throw new ConflictError(
            `Refusing to import: ${ids.length} ${t.name} row(s) already exist with other contents: ${ids.slice(0, 5).join(', ')}${ids.length > 5 ? ', …' : ''}.`,
            { table: t.name, ids },
          );
      }
      for (const t of tables) inserted[t.name] = await insertArchiveRows(tx, t.name, t.rows);
      // Objects last, inside the transaction: a failed write rolls the rows back.
      for (const o of objects) await opts.store.put(o.key, o.data);
    });
    return { manifest, inserted, objectsWritten: objects.length };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
