import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { lstat, mkdir, rename, unlink, writeFile } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DiskFullError, isDiskFull } from '../disk-full.ts';
import { AppError } from '../errors.ts';
import { bodyChunks } from './body.ts';
import {
  DATA,
  ensureDir,
  findDir,
  hashFile,
  isMissing,
  META,
  openNoFollow,
  readMeta,
  TMP,
  walkKeys,
} from './fs-layout.ts';
import type { Meta } from './fs-layout.ts';
import { assertContentType, assertKey, assertPrefix, DEFAULT_CONTENT_TYPE } from './keys.ts';
import type { ObjectBody, ObjectInfo, ObjectStore, PutOptions } from './port.ts';

const LIST_CONCURRENCY = 16;

function storeError(op: string, key: string, e: unknown, root = '.'): AppError {
  if (e instanceof AppError) return e;
  if (isDiskFull(e)) return new DiskFullError(key, root, e);
  return new AppError('store_error', `Filesystem store could not ${op} ${key}.`, {
    cause: e,
    details: { key },
  });
}

function notFound(key: string): AppError {
  return new AppError('not_found', `Object ${key} was not found.`, {
    details: { what: 'object', id: key },
  });
}

function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The filesystem adapter (embedded default). Writes are atomic (temp file in the same folder,
 * fsync, rename); the etag is the SHA-256 of the content, computed while writing. Symlinks inside
 * the root are never followed: a key whose path meets one is treated as absent on read and
 * refused on write.
 */
export function createFsStore(root: string): ObjectStore {
  const rootDir = path.resolve(root);

  function split(key: string): { dirs: string[]; name: string } {
    const dirs = assertKey(key).split('/');
    const name = dirs.pop() as string;
    return { dirs, name };
  }

  async function openData(
    key: string,
  ): Promise<{ fh: FileHandle; dir: string; name: string } | null> {
    const { dirs, name } = split(key);
    const dir = await findDir(rootDir, dirs);
    if (!dir) return null;
    const fh = await openNoFollow(path.join(dir, name + DATA));
    return fh ? { fh, dir, name } : null;
  }

  async function statKey(key: string): Promise<ObjectInfo | null> {
    const found = await openData(key);
    if (!found) return null;
    const { fh, dir, name } = found;
    try {
      const st = await fh.stat();
      const meta = await readMeta(path.join(dir, name + META));
      const fresh = meta?.ino === st.ino && meta.size === st.size && typeof meta.etag === 'string';
      return {
        key,
        size: st.size,
        etag: fresh ? (meta.etag as string) : await hashFile(fh),
        contentType:
          typeof meta?.contentType === 'string' ? meta.contentType : DEFAULT_CONTENT_TYPE,
        modifiedAt: st.mtime,
      };
    } finally {
      await fh.close();
    }
  }

  return {
    kind: 'fs',

    async init() {
      try {
        await mkdir(rootDir, { recursive: true });
      } catch (e) {
        throw storeError('create root', rootDir, e, rootDir);
      }
    },

    async put(key: string, body: ObjectBody, options: PutOptions = {}): Promise<ObjectInfo> {
      const { dirs, name } = split(key);
      const contentType = assertContentType(options.contentType ?? DEFAULT_CONTENT_TYPE);
      const temps: string[] = [];
      let out: ReturnType<typeof createWriteStream> | undefined;
      try {
        const dir = await ensureDir(rootDir, key, dirs);
        const tmpData = path.join(dir, name + TMP + randomUUID());
        temps.push(tmpData);
        const hash = createHash('sha256');
        let size = 0;
        await pipeline(
          bodyChunks(body),
          async function* (source: AsyncIterable<Buffer>) {
            for await (const chunk of source) {
              hash.update(chunk);
              size += chunk.length;
              yield chunk;
            }
          },
          (out = createWriteStream(tmpData, { flags: 'wx', mode: 0o644, flush: true })),
        );
        const etag = hash.digest('hex');
        const { ino, mtime } = await lstat(tmpData);
        const tmpMeta = path.join(dir, name + TMP + randomUUID());
        temps.push(tmpMeta);
        const meta: Meta = { contentType, etag, size, ino };
        await writeFile(tmpMeta, JSON.stringify(meta), { flag: 'wx', mode: 0o644, flush: true });
        // Meta first: a reader never sees new data without its meta, and a stale meta is caught
        // by the inode check in statKey.
        await rename(tmpMeta, path.join(dir, name + META));
        await rename(tmpData, path.join(dir, name + DATA));
        return { key, size, etag, contentType, modifiedAt: mtime };
      } catch (e) {
        // A failing body can end the pipeline before the file stream has even opened its file:
        // wait until it is closed, or the temp file would appear after it was removed.
        if (out && !out.closed) await new Promise<void>((r) => out!.once('close', () => r()));
        await Promise.all(temps.map((t) => unlink(t).catch(() => undefined)));
        throw storeError('write', key, e, rootDir);
      }
    },

    async get(key: string): Promise<Buffer> {
      let found;
      try {
        found = await openData(key);
      } catch (e) {
        throw storeError('read', key, e);
      }
      if (!found) throw notFound(key);
      try {
        return await found.fh.readFile();
      } catch (e) {
        throw storeError('read', key, e);
      } finally {
        await found.fh.close();
      }
    },

    async stream(key: string): Promise<Readable> {
      let found;
      try {
        found = await openData(key);
      } catch (e) {
        throw storeError('read', key, e);
      }
      if (!found) throw notFound(key);
      return found.fh.createReadStream();
    },

    async stat(key: string): Promise<ObjectInfo | null> {
      try {
        return await statKey(key);
      } catch (e) {
        throw storeError('stat', key, e);
      }
    },

    async list(prefix: string): Promise<ObjectInfo[]> {
      assertPrefix(prefix);
      try {
        const cut = prefix.lastIndexOf('/');
        const start = await findDir(rootDir, cut < 0 ? [] : prefix.slice(0, cut).split('/'));
        if (!start) return [];
        const keys: string[] = [];
        await walkKeys(start, prefix.slice(0, cut + 1), prefix, keys);
        keys.sort(compareKeys);
        const infos: (ObjectInfo | null)[] = [];
        for (let i = 0; i < keys.length; i += LIST_CONCURRENCY) {
          infos.push(
            ...(await Promise.all(keys.slice(i, i + LIST_CONCURRENCY).map((k) => statKey(k)))),
          );
        }
        return infos.filter((info): info is ObjectInfo => info !== null);
      } catch (e) {
        throw storeError('list', prefix, e);
      }
    },

    async delete(key: string): Promise<void> {
      const { dirs, name } = split(key);
      try {
        const dir = await findDir(rootDir, dirs);
        if (!dir) return;
        for (const suffix of [DATA, META]) {
          await unlink(path.join(dir, name + suffix)).catch((e: unknown) => {
            if (!isMissing(e)) throw e;
          });
        }
      } catch (e) {
        throw storeError('delete', key, e);
      }
    },

    async close() {},
  };
}
