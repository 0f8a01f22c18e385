import type { S3Options } from './minio.ts';
import type { ObjectStore } from './port.ts';

export type { S3Options } from './minio.ts';
export type { ObjectBody, ObjectInfo, ObjectStore, PutOptions } from './port.ts';

/** Which object store to use: a folder (embedded default) or any S3 API. */
export type ObjectStoreConfig = { kind: 'fs'; root: string } | ({ kind: 's3' } & S3Options);

/** Builds the configured adapter. Call `init()` on the result before first use. */
export async function createObjectStore(config: ObjectStoreConfig): Promise<ObjectStore> {
  // Adapters load only when chosen: the S3 client costs memory a filesystem store never needs.
  if (config.kind === 'fs') return (await import('./fs.ts')).createFsStore(config.root);
  const { kind: _kind, ...options } = config;
  return (await import('./minio.ts')).createS3Store(options);
}
