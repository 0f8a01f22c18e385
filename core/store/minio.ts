import http from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import { Client } from 'minio';
import type { BucketItem } from 'minio';
import { AppError } from '../errors.ts';
import { errorCode, isMissing, notFound, storeError } from './minio-errors.ts';
import { bodyChunks } from './body.ts';
import { partsOf } from './parts.ts';
import { assertContentType, assertKey, assertPrefix, DEFAULT_CONTENT_TYPE, isKey } from './keys.ts';
import type { ObjectBody, ObjectInfo, ObjectStore, PutOptions } from './port.ts';

/** Connection settings for any S3 API (MinIO, AWS S3, s3rver, …). */
export interface S3Options {
  endPoint: string;
  port: number;
  useSSL: boolean;
  accessKey: string;
  secretKey: string;
  bucket: string;
  /** Defaults to `us-east-1`; setting it spares the client a bucket-location request. */
  region?: string;
  /** Path-style addressing (`host/bucket/key`); defaults to true, which MinIO and s3rver need. */
  pathStyle?: boolean;
  /**
   * Multipart part size in bytes (default 16 MiB, minimum 5 MiB). Bodies up to this size go up in
   * one PUT, longer ones in parts of this size; it bounds the memory a streamed upload holds.
   */
  partSize?: number;
}

const DEFAULT_PART_SIZE = 16 * 1024 * 1024;
const LIST_CONCURRENCY = 8;
/**
 * Listed keys, deduplicated and sorted. The client asks for URL-encoded names and decodes `+` as
 * a space; servers that ignore `encoding-type=url` (s3rver) send `+` raw, so it arrives as a
 * space. Our keys never hold a space, so a space can only be such a `+`. Names that are not
 * valid keys (objects someone else put in the bucket) are left out, as the fs adapter does.
 */
async function collect(stream: AsyncIterable<BucketItem>): Promise<string[]> {
  const names = new Set<string>();
  for await (const item of stream) {
    const name = item.name?.replaceAll(' ', '+');
    if (name !== undefined && isKey(name)) names.add(name);
  }
  return [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * The S3 adapter, through the `minio` client. The etag is the server's ETag (quotes stripped).
 * Listing returns content types too, so it issues one HEAD per object (8 at a time): lists here
 * are a run's artifacts, not millions of keys.
 */
export function createS3Store(options: S3Options): ObjectStore {
  const { bucket } = options;
  const region = options.region ?? 'us-east-1';
  const partSize = options.partSize ?? DEFAULT_PART_SIZE;
  // An agent of our own, so close() can drop its keep-alive sockets.
  const agent = options.useSSL
    ? new https.Agent({ keepAlive: true })
    : new http.Agent({ keepAlive: true });
  const client = new Client({
    endPoint: options.endPoint,
    port: options.port,
    useSSL: options.useSSL,
    accessKey: options.accessKey,
    secretKey: options.secretKey,
    region,
    pathStyle: options.pathStyle ?? true,
    partSize,
    transportAgent: agent,
  });

  async function statKey(key: string): Promise<ObjectInfo | null> {
    try {
      const st = await client.statObject(bucket, key);
      const contentType = st.metaData['content-type'];
      return {
        key,
        size: st.size,
        etag: st.etag,
        contentType:
          typeof contentType === 'string' && contentType !== ''
            ? contentType
            : DEFAULT_CONTENT_TYPE,
        modifiedAt: st.lastModified,
      };
    } catch (e) {
      if (isMissing(e)) return null;
      throw storeError('stat', key, e);
    }
  }

  async function open(key: string): Promise<Readable> {
    assertKey(key);
    try {
      return await client.getObject(bucket, key);
    } catch (e) {
      if (isMissing(e)) throw notFound(key, e);
      throw storeError('read', key, e);
    }
  }

  /**
   * One PUT for bodies up to one part; otherwise a multipart upload of our own, part by part.
   * Not the client's putObject for streams: it first looks for an unfinished upload of the same
   * key to resume (another writer's, possibly), which servers without that listing refuse.
   */
  async function upload(
    key: string,
    body: ObjectBody,
    meta: Record<string, string>,
  ): Promise<void> {
    const parts = partsOf(bodyChunks(body), partSize);
    let next = await parts.next();
    if (next.done) return;
    if (next.value.last) {
      await client.putObject(bucket, key, next.value.data, next.value.data.length, meta);
      return;
    }
    const uploadId = await client.initiateNewMultipartUpload(bucket, key, meta);
    try {
      const etags: { part: number; etag: string }[] = [];
      for (let part = 1; !next.done; part++, next = await parts.next()) {
        const config = {
          bucketName: bucket,
          objectName: key,
          uploadID: uploadId,
          partNumber: part,
          headers: {},
        };
        etags.push({ part, etag: (await client.uploadPart(config, next.value.data)).etag });
      }
      await client.completeMultipartUpload(bucket, key, uploadId, etags);
    } catch (e) {
      await client.abortMultipartUpload(bucket, key, uploadId).catch(() => undefined);
      throw e;
    } finally {
      // Stops the source (destroys a Readable) if we gave up before reading it all.
      await parts.return(undefined);
    }
  }

  return {
    kind: 's3',

    async init() {
      try {
        if (!(await client.bucketExists(bucket))) await client.makeBucket(bucket, region);
      } catch (e) {
        // Another process may have created it between the check and the create.
        const code = errorCode(e);
        if (code === 'BucketAlreadyOwnedByYou' || code === 'BucketAlreadyExists') return;
        throw storeError('create bucket', bucket, e);
      }
    },

    async put(key: string, body: ObjectBody, putOptions: PutOptions = {}): Promise<ObjectInfo> {
      assertKey(key);
      const contentType = assertContentType(putOptions.contentType ?? DEFAULT_CONTENT_TYPE);
      try {
        await upload(key, body, { 'Content-Type': contentType });
      } catch (e) {
        throw storeError('write', key, e);
      }
      const info = await statKey(key);
      if (!info)
        throw new AppError(
          'store_error',
          `Object ${key} was not found right after it was written.`,
        );
      return info;
    },

    async get(key: string): Promise<Buffer> {
      const stream = await open(key);
      try {
        const parts: Buffer[] = [];
        for await (const chunk of stream) parts.push(chunk as Buffer);
        return Buffer.concat(parts);
      } catch (e) {
        throw storeError('read', key, e);
      }
    },

    stream: open,

    async stat(key: string): Promise<ObjectInfo | null> {
      return statKey(assertKey(key));
    },

    async list(prefix: string): Promise<ObjectInfo[]> {
      assertPrefix(prefix);
      let keys: string[];
      try {
        keys = await collect(client.listObjectsV2(bucket, prefix, true));
      } catch (e) {
        throw storeError('list', prefix, e);
      }
      const infos: (ObjectInfo | null)[] = [];
      for (let i = 0; i < keys.length; i += LIST_CONCURRENCY) {
        infos.push(...(await Promise.all(keys.slice(i, i + LIST_CONCURRENCY).map(statKey))));
      }
      // A key deleted between the listing and its HEAD is simply gone.
      return infos.filter((info): info is ObjectInfo => info !== null);
    },

    async delete(key: string): Promise<void> {
      assertKey(key);
      try {
        await client.removeObject(bucket, key);
      } catch (e) {
        if (!isMissing(e)) throw storeError('delete', key, e);
      }
    },

    async close() {
      agent.destroy();
    },
  };
}
