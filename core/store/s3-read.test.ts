import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAppError } from '../errors.ts';
import { createS3Store } from './minio.ts';
import type { ObjectStore } from './port.ts';
import { createS3ReadStore } from './s3-read.ts';

/**
 * The fetch-based read-only adapter reads what the minio adapter wrote, with the same answers
 * (s3rver on loopback, which does not check signatures: sigv4.test.ts checks them against the
 * minio client's signer).
 */
let server: S3rver;
let dir: string;
let writer: ObjectStore;
let reader: ObjectStore;
let endpoint: string;
const bucket = 'read-bucket';
const creds = { accessKey: 'S3RVER', secretKey: 'S3RVER' };
const objects: Record<string, Buffer> = {
  'runs/r1/plans/1.md': Buffer.from('# plan-marker\n'),
  'runs/r1/bundle@v=2+x.tar': randomBytes(70_000),
  'runs/r1/sub/deep/a_b-c.json': Buffer.from('{"ok":true}'),
  'runs/r2/other.txt': Buffer.from('not listed under r1'),
};

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 's3-read-'));
  server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory: dir,
    vhostBuckets: false,
  });
  const { port } = await server.run();
  endpoint = `http://127.0.0.1:${port}`;
  writer = createS3Store({ endPoint: '127.0.0.1', port, useSSL: false, bucket, ...creds });
  await writer.init();
  for (const [key, body] of Object.entries(objects))
    await writer.put(key, body, {
      contentType: key.endsWith('.md') ? 'text/markdown' : 'application/octet-stream',
    });
  reader = createS3ReadStore({ endpoint, bucket, ...creds });
});

afterAll(async () => {
  await writer?.close();
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

const drain = async (s: AsyncIterable<unknown>) => {
  const parts: Buffer[] = [];
  for await (const c of s) parts.push(Buffer.from(c as Uint8Array));
  return Buffer.concat(parts);
};

describe('the read-only S3 store on fetch', () => {
  it('reads, streams and stats every object as the minio adapter does', async () => {
    for (const [key, body] of Object.entries(objects)) {
      expect((await reader.get(key)).equals(body), key).toBe(true);
      expect((await drain(await reader.stream(key))).equals(body), key).toBe(true);
      const [a, b] = [await reader.stat(key), await writer.stat(key)];
      expect({ ...a, modifiedAt: a!.modifiedAt.getTime() }, key).toEqual({
        ...b,
        modifiedAt: b!.modifiedAt.getTime(),
      });
    }
  });

  it('lists a prefix as the minio adapter does', async () => {
    const [a, b] = [await reader.list('runs/r1/'), await writer.list('runs/r1/')];
    expect(a.map((i) => i.key)).toEqual([
      'runs/r1/bundle@v=2+x.tar',
      'runs/r1/plans/1.md',
      'runs/r1/sub/deep/a_b-c.json',
    ]);
    expect(a.map((i) => [i.key, i.size, i.etag, i.contentType])).toEqual(
      b.map((i) => [i.key, i.size, i.etag, i.contentType]),
    );
  });

  it('answers not_found and null for a missing object, and refuses writes', async () => {
    await expect(reader.get('runs/none')).rejects.toSatisfy(
      (e) => isAppError(e) && e.code === 'not_found',
    );
    expect(await reader.stat('runs/none')).toBeNull();
    await expect(Promise.resolve().then(() => reader.put('x', 'y'))).rejects.toSatisfy(
      (e) => isAppError(e) && e.code === 'service_unavailable',
    );
  });
});
