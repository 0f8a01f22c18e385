import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAppError, namingCases } from './contract-naming.ts';
import type { ObjectStore } from './port.ts';

/** What a contract run needs: a fresh, empty store and a way to remove what backs it. */
export interface ContractTarget {
  store: ObjectStore;
  /** Called after `store.close()`: stop servers, remove temp folders. */
  cleanup: () => Promise<void>;
}

const MB = 1024 * 1024;

const sha256 = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex');

async function drain(stream: AsyncIterable<unknown>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(parts);
}

/** Yields `data` in `size`-byte slices, asynchronously, as a producer of a stream would. */
async function* slices(data: Buffer, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < data.length; at += size) {
    await new Promise((resolve) => setImmediate(resolve));
    yield new Uint8Array(data.subarray(at, at + size));
  }
}

/**
 * The object store contract: every adapter runs this suite (see fs.test.ts, minio.test.ts).
 * `make` returns a fresh store; the suite calls `init()` itself, twice, to check it is idempotent.
 */
export function objectStoreContract(name: string, make: () => Promise<ContractTarget>): void {
  describe(`ObjectStore contract: ${name}`, () => {
    let target: ContractTarget | undefined;
    const store = (): ObjectStore => {
      if (!target) throw new Error('store not started');
      return target.store;
    };

    beforeAll(async () => {
      target = await make();
      await target.store.init();
      await target.store.init();
    });

    afterAll(async () => {
      await target?.store.close();
      await target?.cleanup();
    });

    it('round-trips every byte value', async () => {
      const bytes = Buffer.from(Array.from({ length: 512 }, (_, i) => i % 256));
      const info = await store().put('bin/all-bytes', bytes, { contentType: 'application/x-test' });
      expect(info).toMatchObject({
        key: 'bin/all-bytes',
        size: 512,
        contentType: 'application/x-test',
      });
      expect((await store().get('bin/all-bytes')).equals(bytes)).toBe(true);
      // A Uint8Array view into a larger buffer stores only the viewed bytes.
      const view = new Uint8Array(bytes.buffer, bytes.byteOffset + 10, 100);
      expect((await store().put('bin/view', view)).size).toBe(100);
      expect((await store().get('bin/view')).equals(bytes.subarray(10, 110))).toBe(true);
    });

    it('round-trips unicode and control characters in text, and empty objects', async () => {
      const text = "Ünïcödé ✓ 日本語 🚀 \u0000\u0007\r\n\t'); DROP TABLE scenarios; --";
      const info = await store().put('text/u.txt', text, {
        contentType: 'text/plain; charset=utf-8',
      });
      expect(info.size).toBe(Buffer.byteLength(text, 'utf8'));
      expect((await store().get('text/u.txt')).toString('utf8')).toBe(text);
      expect((await store().put('text/empty', '')).size).toBe(0);
      expect((await store().get('text/empty')).length).toBe(0);
    });

    it('stores a Readable of a few MB without loss', async () => {
      const data = randomBytes(3 * MB + 123);
      const info = await store().put(
        'streams/readable.bin',
        Readable.from(slices(data, 64 * 1024)),
      );
      expect(info.size).toBe(data.length);
      expect(sha256(await store().get('streams/readable.bin'))).toBe(sha256(data));
    });

    it('stores an async iterable of a few MB without loss', async () => {
      const data = randomBytes(4 * MB + 7);
      const info = await store().put('streams/iterable.bin', slices(data, 100_000));
      expect(info.size).toBe(data.length);
      expect(sha256(await store().get('streams/iterable.bin'))).toBe(sha256(data));
    });

    it('streams a larger object', async () => {
      const data = randomBytes(6 * MB + 5);
      await store().put('streams/large.bin', data);
      const read = await drain(await store().stream('streams/large.bin'));
      expect(read.length).toBe(data.length);
      expect(sha256(read)).toBe(sha256(data));
    });

    it('stats objects: size, content type, etag; null when missing', async () => {
      const before = Date.now();
      const put = await store().put('stat/one.json', '{"a":1}', {
        contentType: 'application/json',
      });
      const stat = await store().stat('stat/one.json');
      expect(stat).toMatchObject({
        key: 'stat/one.json',
        size: 7,
        contentType: 'application/json',
        etag: put.etag,
      });
      expect(put.etag).not.toBe('');
      expect(stat?.modifiedAt).toBeInstanceOf(Date);
      expect(Math.abs((stat?.modifiedAt.getTime() ?? 0) - before)).toBeLessThan(60_000);
      expect((await store().put('stat/untyped', 'x')).contentType).toBe('application/octet-stream');
      expect(await store().stat('stat/missing')).toBeNull();
      expect(await store().stat('stat')).toBeNull();
    });

    it('lists by prefix, sorted, recursively', async () => {
      const keys = ['ls/b', 'ls/a/x', 'ls/a', 'ls/c/d/e', 'ls/x@y=z+w.txt', 'ls-other', 'lt/z'];
      for (const [i, key] of keys.entries())
        await store().put(key, 'v'.repeat(i + 1), { contentType: `text/x-${i}` });
      const listed = await store().list('ls/');
      expect(listed.map((o) => o.key)).toEqual([
        'ls/a',
        'ls/a/x',
        'ls/b',
        'ls/c/d/e',
        'ls/x@y=z+w.txt',
      ]);
      expect(listed[0]).toMatchObject({ size: 3, contentType: 'text/x-2' });
      expect(listed[3]).toMatchObject({ size: 4, contentType: 'text/x-3' });
      expect(listed[0]?.etag).toBe((await store().stat('ls/a'))?.etag);
      expect((await store().list('ls')).map((o) => o.key)).toEqual([
        'ls-other',
        'ls/a',
        'ls/a/x',
        'ls/b',
        'ls/c/d/e',
        'ls/x@y=z+w.txt',
      ]);
      expect((await store().list('ls/c/d/')).map((o) => o.key)).toEqual(['ls/c/d/e']);
      expect((await store().list('ls/a/')).map((o) => o.key)).toEqual(['ls/a/x']);
      expect(await store().list('nothing/here/')).toEqual([]);
      expect(await store().list('ls/zz')).toEqual([]);
    });

    it('deletes, and deleting a missing object is fine', async () => {
      await store().put('del/x', 'gone soon');
      await store().delete('del/x');
      expect(await store().stat('del/x')).toBeNull();
      await expectAppError(store().get('del/x'), 'not_found');
      await store().delete('del/x');
      await store().delete('del/never/was');
      expect(await store().list('del/')).toEqual([]);
    });

    it('overwrites: the new content, size, type and etag replace the old', async () => {
      const first = await store().put('ow/k', 'first version, longer', {
        contentType: 'text/plain',
      });
      const bytes = randomBytes(1000);
      const second = await store().put('ow/k', bytes, { contentType: 'application/x-second' });
      expect((await store().get('ow/k')).equals(bytes)).toBe(true);
      expect(await store().stat('ow/k')).toMatchObject({
        size: 1000,
        contentType: 'application/x-second',
      });
      expect(second.etag).not.toBe(first.etag);
      expect((await store().list('ow/')).map((o) => o.key)).toEqual(['ow/k']);
    });

    namingCases(store);
  });
}
