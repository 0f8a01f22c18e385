import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { lstat, mkdir, open, readdir } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../errors.ts';
import { isKey } from './keys.ts';

/*
 * On-disk layout of the filesystem store: key `a/b/c` lives in `<root>/a/b/c.~obj`, its metadata
 * in `c.~meta`, uploads in progress in `c.~tmp.<uuid>`. `~` cannot occur in a key, so a file never
 * collides with a folder: `a` and `a/b` coexist as they do in S3 (versioned keys rely on that).
 * Every helper here walks paths segment by segment with lstat and opens files with O_NOFOLLOW, so
 * a symlink inside the root is never followed.
 */
export const DATA = '.~obj';
export const META = '.~meta';
export const TMP = '.~tmp.';
export const READ_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW;

/** The sidecar's content. */
export interface Meta {
  contentType: string;
  etag: string;
  size: number;
  /** Inode of the data file the meta was written for; a mismatch means the meta is stale. */
  ino: number;
}

export function errno(e: unknown): string | undefined {
  return e instanceof Error && 'code' in e && typeof e.code === 'string' ? e.code : undefined;
}

/** ENOENT/ENOTDIR: absent; ELOOP: a symlink met with O_NOFOLLOW, which we treat as absent. */
export function isMissing(e: unknown): boolean {
  const code = errno(e);
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'ELOOP';
}

/** The folder of a key's segments under root; null when absent, a symlink or not a folder. */
export async function findDir(root: string, segments: string[]): Promise<string | null> {
  let dir = root;
  for (const segment of segments) {
    dir = path.join(dir, segment);
    try {
      if (!(await lstat(dir)).isDirectory()) return null;
    } catch (e) {
      if (isMissing(e)) return null;
      throw e;
    }
  }
  return dir;
}

/** Like findDir, creating missing folders one at a time so none is created through a symlink. */
export async function ensureDir(root: string, key: string, segments: string[]): Promise<string> {
  let dir = root;
  await mkdir(root, { recursive: true });
  for (const segment of segments) {
    dir = path.join(dir, segment);
    try {
      await mkdir(dir);
    } catch (e) {
      if (errno(e) !== 'EEXIST') throw e;
    }
    if (!(await lstat(dir)).isDirectory()) {
      throw new AppError('bad_request', `Object key ${key} passes through a symlink or file.`, {
        details: { key },
      });
    }
  }
  return dir;
}

/** Opens a file for reading without following a symlink; null when absent. */
export async function openNoFollow(file: string): Promise<FileHandle | null> {
  try {
    return await open(file, READ_FLAGS);
  } catch (e) {
    if (isMissing(e)) return null;
    throw e;
  }
}

/** The sidecar, or null when it is missing or unreadable (that only costs the content type). */
export async function readMeta(file: string): Promise<Partial<Meta> | null> {
  const fh = await openNoFollow(file);
  if (!fh) return null;
  try {
    return JSON.parse(await fh.readFile('utf8')) as Partial<Meta>;
  } catch (e) {
    if (e instanceof SyntaxError) return null;
    throw e;
  } finally {
    await fh.close();
  }
}

export async function hashFile(fh: FileHandle): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of fh.createReadStream({ start: 0, autoClose: false }))
    hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Collects the keys under `dir` (whose keys start with `keyPrefix`) that start with `prefix`. */
export async function walkKeys(
  dir: string,
  keyPrefix: string,
  prefix: string,
  out: string[],
): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      const sub = `${keyPrefix}${entry.name}/`;
      if (sub.startsWith(prefix) || prefix.startsWith(sub))
        await walkKeys(path.join(dir, entry.name), sub, prefix, out);
    } else if (entry.isFile() && entry.name.endsWith(DATA)) {
      // Names this store did not write (not valid keys) are left out.
      const key = keyPrefix + entry.name.slice(0, -DATA.length);
      if (key.startsWith(prefix) && isKey(key)) out.push(key);
    }
  }
}
