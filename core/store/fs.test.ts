import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAppError } from '../errors.ts';
import { objectStoreContract } from './contract.ts';
import { createFsStore } from './fs.ts';
import type { ObjectStore } from './port.ts';

objectStoreContract('fs', async () => {
  const root = await mkdtemp(path.join(tmpdir(), 'store-contract-'));
  return {
    store: createFsStore(path.join(root, 'data')),
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
});

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => !e.isDirectory())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
}

describe('fs store specifics', () => {
  let base: string;
  let root: string;
  let outside: string;
  let store: ObjectStore;

  beforeAll(async () => {
    base = await mkdtemp(path.join(tmpdir(), 'store-fs-'));
    root = path.join(base, 'root');
    outside = path.join(base, 'outside');
    await mkdir(outside);
    await writeFile(path.join(outside, 'secret.~obj'), 'outside the root');
    store = createFsStore(root);
    await store.init();
  });

  afterAll(async () => {
    await store.close();
    await rm(base, { recursive: true, force: true });
  });

  it('uses the SHA-256 of the content as etag', async () => {
    const info = await store.put('hash/x', 'hello');
    expect(info.etag).toBe(createHash('sha256').update('hello').digest('hex'));
    expect((await store.stat('hash/x'))?.etag).toBe(info.etag);
  });

  it('keeps sidecars and temp files out of listings, and leaves no temp file behind', async () => {
    await store.put('side/a.txt', 'a', { contentType: 'text/plain' });
    expect((await store.list('side/')).map((o) => o.key)).toEqual(['side/a.txt']);
    expect((await filesUnder(path.join(root, 'side'))).sort()).toEqual([
      'a.txt.~meta',
      'a.txt.~obj',
    ]);
    expect(await readFile(path.join(root, 'side', 'a.txt.~obj'), 'utf8')).toBe('a');
  });

  it('keeps the old content when a streamed write fails midway', async () => {
    await store.put('atomic/k', 'old content');
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield Buffer.from('partial new content');
      throw new Error('producer died');
    }
    await expect(store.put('atomic/k', failing())).rejects.toThrow();
    expect((await store.get('atomic/k')).toString()).toBe('old content');
    expect(await filesUnder(path.join(root, 'atomic'))).toHaveLength(2);
  });

  it('recomputes a stale etag instead of trusting the sidecar', async () => {
    await store.put('stale/k', 'one');
    await writeFile(path.join(root, 'stale', 'k.~obj'), 'changed behind our back');
    const info = await store.stat('stale/k');
    expect(info?.etag).toBe(createHash('sha256').update('changed behind our back').digest('hex'));
  });

  it('never follows a symlink out of the root', async () => {
    await symlink(outside, path.join(root, 'link'));
    await symlink(path.join(outside, 'secret.~obj'), path.join(root, 'file.~obj'));
    expect(await store.stat('link/secret')).toBeNull();
    expect(await store.stat('file')).toBeNull();
    const err = await store.get('link/secret').catch((e: unknown) => e);
    expect(isAppError(err, 'not_found')).toBe(true);
    const put = await store.put('link/new', 'escape?').catch((e: unknown) => e);
    expect(isAppError(put, 'bad_request')).toBe(true);
    await store.delete('link/secret');
    await store.delete('file');
    expect((await filesUnder(outside)).sort()).toEqual(['secret.~obj']);
    expect(await readFile(path.join(outside, 'secret.~obj'), 'utf8')).toBe('outside the root');
    expect((await store.list('')).map((o) => o.key)).not.toContain('link/secret');
    expect((await store.list('link/')).length).toBe(0);
  });

  it('writes nothing outside the root for a bad key', async () => {
    await expect(store.put('../escaped', 'x')).rejects.toThrow();
    expect((await readdir(base)).sort()).toEqual(['outside', 'root']);
  });
});
