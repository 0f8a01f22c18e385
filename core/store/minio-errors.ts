import { AppError } from '../errors.ts';

/*
 * How the minio client's failures become typed AppErrors. A HEAD on a missing object fails with
 * `NotFound` (no body to carry a code), a GET with `NoSuchKey`.
 */
const MISSING_CODES = new Set(['NoSuchKey', 'NotFound', 'NoSuchObject']);

export function errorCode(e: unknown): string | undefined {
  return e instanceof Error && 'code' in e && typeof e.code === 'string' ? e.code : undefined;
}

export function isMissing(e: unknown): boolean {
  const code = errorCode(e);
  return code !== undefined && MISSING_CODES.has(code);
}

export function notFound(key: string, cause?: unknown): AppError {
  return new AppError('not_found', `Object ${key} was not found.`, {
    cause,
    details: { what: 'object', id: key },
  });
}

export function storeError(op: string, key: string, e: unknown): AppError {
  if (e instanceof AppError) return e;
  const code = errorCode(e);
  return new AppError(
    'store_error',
    `S3 store could not ${op} ${key}${code ? ` (${code})` : ''}.`,
    {
      cause: e,
      details: { key, ...(code ? { s3Code: code } : {}) },
    },
  );
}
