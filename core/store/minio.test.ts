import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';
import { describe, expect, it } from 'vitest';
import { isAppError } from '../errors.ts';
import { objectStoreContract } from './contract.ts';
import { createS3Store } from './minio.ts';
import type { S3Options } from './minio.ts';

const MB = 1024 * 1024;
const sha256 = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex');

/** Starts s3rver on loopback with a free port and its own temp folder. */
async function startS3rver(): Promise<{
  options: S3Options;
  events: string[];
  stop: () => Promise<void>;
}> {
  const directory = await mkdtemp(path.join(tmpdir(), 's3rver-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    vhostBuckets: false,
  });
  const events: string[] = [];
  server.on('event', (e) =>
    events.push(...e.Records.map((r) => `${r.eventName} ${r.s3.object.key}`)),
  );
  const { port } = await server.run();
  return {
    events,
    options: {
      endPoint: '127.0.0.1',
      port,
      useSSL: false,
      accessKey: 'S3RVER',
      secretKey: 'S3RVER',
      bucket: 'contract-bucket',
      pathStyle: true,
    },
    stop: async () => {
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

objectStoreContract('s3 (minio client against s3rver)', async () => {
  const { options, stop } = await startS3rver();
  return { store: createS3Store(options), cleanup: stop };
});

describe('s3 store specifics', () => {
  it('uploads bodies longer than one part as multipart, streams included', async () => {
    const { options, events, stop } = await startS3rver();
    const store = createS3Store({ ...options, partSize: 5 * MB });
    try {
      await store.init();
      const data = randomBytes(12 * MB + 321);
      async function* chunks(): AsyncGenerator<Uint8Array> {
        for (let at = 0; at < data.length; at += 700_000) yield data.subarray(at, at + 700_000);
      }
      const streamed = await store.put('multi/streamed', chunks());
      expect(streamed.size).toBe(data.length);
      expect(sha256(await store.get('multi/streamed'))).toBe(sha256(data));
      const exact = data.subarray(0, 10 * MB);
      expect(
        (await store.put('multi/exact', exact, { contentType: 'application/x-parts' })).size,
      ).toBe(10 * MB);
      expect(sha256(await store.get('multi/exact'))).toBe(sha256(exact));
      expect((await store.stat('multi/exact'))?.contentType).toBe('application/x-parts');
      await store.put('multi/single', data.subarray(0, 5 * MB));
      // s3rver reports a completed multipart upload as a POST, a single upload as a PUT.
      expect(events).toEqual([
        'ObjectCreated:Post multi/streamed',
        'ObjectCreated:Post multi/exact',
        'ObjectCreated:Put multi/single',
      ]);
    } finally {
      await store.close();
      await stop();
    }
  });

  it('creates its bucket on init, and reports an unreachable server as store_error', async () => {
    const { options, stop } = await startS3rver();
    const store = createS3Store({ ...options, bucket: 'made-by-init' });
    try {
      const before = await store.put('k', 'x').catch((e: unknown) => e);
      expect(isAppError(before, 'store_error')).toBe(true);
      await store.init();
      expect((await store.put('k', 'x')).size).toBe(1);
    } finally {
      await store.close();
      await stop();
    }
    const down = createS3Store(options);
    const err = await down.stat('k').catch((e: unknown) => e);
    await down.close();
    expect(isAppError(err, 'store_error')).toBe(true);
  });
});
