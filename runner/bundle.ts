import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, mkdir, realpath } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { create, extract, Parser, type ReadEntry } from 'tar';
import { asDiskFull } from '../core/disk-full.ts';
import { AppError } from '../core/errors.ts';
import type { ObjectStore } from '../core/store/port.ts';
import { listScenarioTree } from './deploy-targets/copy.ts';

/**
 * A bundle is a scenario's files at one point of a run: a .tar.gz in the object store plus a
 * manifest (path, size, mode, sha256) kept in Postgres. Bundles carry state between pipeline
 * steps, so no step needs the previous step's workspace (a runner may be another machine), and
 * retries and rollbacks restore from them.
 */
export interface ManifestEntry {
  path: string;
  size: number;
  mode: number;
  sha256: string;
}

export interface BundleInfo {
  key: string;
  manifest: ManifestEntry[];
  fileCount: number;
  totalBytes: number;
  sha256: string;
}

/** Files to leave out of a bundle: the agent's own scratch state. */
const IGNORED = /^(\.claude|\.git|node_modules)(\/|$)/;

async function fileHash(file: string): Promise<string> {
  const h = createHash('sha256');
  await pipeline(createReadStream(file), h);
  return h.digest('hex');
}

/** Lists and hashes the regular files of a folder (symlinks leading outside are refused). */
export async function manifestOf(dir: string): Promise<ManifestEntry[]> {
  const root = await realpath(dir);
  const tree = await listScenarioTree(root);
  const out: ManifestEntry[] = [];
  for (const e of tree) {
    if (e.kind !== 'file' || IGNORED.test(e.rel)) continue;
    const abs = path.join(root, e.rel);
    const st = await lstat(abs);
    out.push({ path: e.rel, size: st.size, mode: st.mode & 0o777, sha256: await fileHash(abs) });
  }
  return out;
}

/** Packs `dir` into the store under `key`. */
export async function packBundle(
  store: ObjectStore,
  dir: string,
  key: string,
): Promise<BundleInfo> {
  const root = await realpath(dir);
  const manifest = await manifestOf(root);
  const pack = create(
    { gzip: true, cwd: root, portable: true, noDirRecurse: true, follow: false },
    manifest.map((m) => m.path),
  );
  const hash = createHash('sha256');
  async function* hashed(): AsyncIterable<Uint8Array> {
    for await (const chunk of pack as AsyncIterable<Uint8Array>) {
      hash.update(chunk);
      yield chunk;
    }
  }
  await store.put(key, hashed(), { contentType: 'application/gzip' });
  return {
    key,
    manifest,
    fileCount: manifest.length,
    totalBytes: manifest.reduce((n, m) => n + m.size, 0),
    sha256: hash.digest('hex'),
  };
}

/** Restores a bundle into `dir` (created). Entries that would leave `dir` are refused by tar. */
export async function unpackBundle(store: ObjectStore, key: string, dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
    const body = await store.stream(key);
    await pipeline(body, extract({ cwd: dir, strict: true, preservePaths: false, noChmod: false }));
  } catch (e) {
    throw asDiskFull(e, `the files of bundle ${key}`, dir);
  }
}

/** Reads one file of a bundle (for the file viewer); not_found when absent. */
export async function readBundleFile(
  store: ObjectStore,
  key: string,
  file: string,
  maxBytes = 2 * 1024 * 1024,
): Promise<Buffer> {
  const body = await store.stream(key);
  let found: Buffer | undefined;
  const parser = new Parser({
    filter: (p: string) => p === file || p === `./${file}`,
    onReadEntry: (entry: ReadEntry) => {
      const chunks: Buffer[] = [];
      let size = 0;
      entry.on('data', (c: Buffer) => {
        size += c.length;
        if (size <= maxBytes) chunks.push(c);
      });
      entry.on('end', () => {
        found = Buffer.concat(chunks);
      });
    },
  });
  await pipeline(body as Readable, parser);
  if (!found) throw new AppError('not_found', `No file ${file} in the bundle.`);
  return found;
}
