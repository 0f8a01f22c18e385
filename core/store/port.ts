import type { Readable } from 'node:stream';

/**
 * The object store port: where plans, transcripts, bundles, archives and raw validator output
 * live. Two adapters implement it: the filesystem (embedded default, under ./data) and any S3 API
 * through the `minio` client. Both pass the same contract suite (core/store/contract.ts).
 *
 * Keys are slash-separated relative paths: letters, digits and `._@=+-/`, at most 1024
 * characters (200 per segment); no `.` or `..` segment, no leading slash, no empty segment
 * (keys.ts enforces this in both adapters). Versions are kept in the key scheme (see
 * versioned.ts), because not every S3 server offers bucket versioning.
 */
export interface ObjectInfo {
  key: string;
  size: number;
  /** Hex SHA-256 of the content where the adapter knows it, else an opaque ETag. */
  etag: string;
  contentType: string;
  modifiedAt: Date;
}

export type ObjectBody = Uint8Array | string | Readable | AsyncIterable<Uint8Array>;

export interface PutOptions {
  contentType?: string;
}

export interface ObjectStore {
  /** Adapter name for logs and /api/ready: `fs` or `s3`. */
  readonly kind: string;
  /** Creates the bucket / root folder when missing. Idempotent. */
  init(): Promise<void>;
  /** Writes the whole object; a reader never sees a half-written object. */
  put(key: string, body: ObjectBody, options?: PutOptions): Promise<ObjectInfo>;
  /** Reads the whole object into memory. Throws AppError `not_found` when absent. */
  get(key: string): Promise<Buffer>;
  /** Streams the object. Throws AppError `not_found` when absent. */
  stream(key: string): Promise<Readable>;
  /** Metadata, or null when absent. */
  stat(key: string): Promise<ObjectInfo | null>;
  /** Every object whose key starts with `prefix`, sorted by key. */
  list(prefix: string): Promise<ObjectInfo[]>;
  /** Removes the object; absent is not an error. */
  delete(key: string): Promise<void>;
  /** Releases connections. */
  close(): Promise<void>;
}
