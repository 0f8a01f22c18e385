import { createFsStore } from './fs.ts';
import { createS3Store } from './minio.ts';
import type { S3Options } from './minio.ts';
import type { ObjectStore } from './port.ts';

export type { S3Options } from './minio.ts';
export type { ObjectBody, ObjectInfo, ObjectStore, PutOptions } from './port.ts';

/** Which object store to use: a folder (embedded default) or any S3 API. */
export type ObjectStoreConfig = { kind: 'fs'; root: string } | ({ kind: 's3' } & S3Options);

/** Builds the configured adapter. Call `init()` on the result before first use. */
export function createObjectStore(config: ObjectStoreConfig): ObjectStore {
  if (config.kind === 'fs') return createFsStore(config.root);
  const { kind: _kind, ...options } = config;
  return createS3Store(options);
}
