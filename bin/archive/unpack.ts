import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { extract } from 'tar';
import { AppError } from '../../core/errors.ts';
import { ARCHIVE_TABLES } from '../../db/data-archive.ts';
import { digestFile } from './files.ts';
import { parseManifest, type ArchiveManifest } from './manifest.ts';

/**
 * Unpacks an archive into `dir` (streamed to disk) and checks it whole before anything touches
 * the database or the store: the manifest fits the format, every file it lists is there with its
 * size, SHA-256 and row count. A truncated, corrupt or edited archive is refused here, naming
 * what is wrong.
 */
export async function unpackArchive(file: string, dir: string): Promise<ArchiveManifest> {
  await extract({
    file,
    cwd: dir,
    strict: true,
    preservePaths: false,
    // Small reads: one read is inflated at once, and a well-compressed chunk can grow a
    // thousandfold (tar's default read is 16 MiB).
    maxReadSize: 16 * 1024,
    // Plain files and folders only: no links, devices or anything else out of an archive.
    filter: (_p, entry) =>
      'type' in entry ? entry.type === 'File' || entry.type === 'Directory' : true,
  }).catch((e: Error) => {
    throw new AppError(
      'bad_request',
      `${file} is not a readable .tar.gz archive (truncated or corrupt?): ${e.message}`,
      { cause: e },
    );
  });
  const text = await readFile(path.join(dir, 'manifest.json'), 'utf8').catch(() => {
    throw new AppError('bad_request', `${file} holds no manifest.json: not a scenario-gen export.`);
  });
  const manifest = parseManifest(text);
  const order = (n: string) => ARCHIVE_TABLES.indexOf(n as never);
  manifest.tables.sort((a, b) => order(a.name) - order(b.name));
  for (const t of manifest.tables) {
    const d = await check(dir, t.file, t.sha256);
    if (d.lines !== t.rows)
      throw new AppError(
        'bad_request',
        `${t.file} holds ${d.lines} rows, the manifest lists ${t.rows}: the archive is damaged.`,
      );
  }
  for (const o of manifest.objects) {
    const d = await check(dir, o.file, o.sha256);
    if (d.size !== o.size)
      throw new AppError('bad_request', `${o.file} (${o.key}) is not the size its manifest lists.`);
  }
  return manifest;
}

async function check(dir: string, file: string, sha256: string) {
  const d = await digestFile(path.join(dir, file)).catch(() => {
    throw new AppError('bad_request', `The archive lacks ${file}, which its manifest lists.`);
  });
  if (d.sha256 !== sha256)
    throw new AppError(
      'bad_request',
      `${file} in the archive does not match its manifest's SHA-256: the archive is damaged.`,
    );
  return d;
}
