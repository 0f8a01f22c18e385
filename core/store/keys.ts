import { AppError } from '../errors.ts';

/** Longest key either adapter accepts (S3 allows 1024 bytes; keys here are ASCII). */
export const MAX_KEY_LENGTH = 1024;
/**
 * Longest segment: file names are limited to 255 bytes and the filesystem adapter appends up to
 * 42 characters (temp-file suffix), so both adapters accept the same keys.
 */
export const MAX_SEGMENT_LENGTH = 200;

const KEY_CHARS = /^[A-Za-z0-9._@=+\-/]+$/;
const CONTENT_TYPE = /^[\x20-\x7e]{1,255}$/;

function reject(what: string, value: string, reason: string): never {
  // The value is echoed truncated and JSON-escaped so control characters cannot reach a log raw.
  throw new AppError(
    'bad_request',
    `Invalid object ${what} ${JSON.stringify(value.slice(0, 80))}: ${reason}.`,
    {
      details: { [what]: value.slice(0, 200), reason },
    },
  );
}

function check(what: 'key' | 'prefix', value: string, allowTrailingSlash: boolean): string {
  if (typeof value !== 'string') reject(what, String(value), 'not a string');
  if (value.length === 0) reject(what, value, 'empty');
  if (value.length > MAX_KEY_LENGTH)
    reject(what, value, `longer than ${MAX_KEY_LENGTH} characters`);
  if (value.includes('\\')) reject(what, value, 'backslash');
  if (/[\x00-\x1f\x7f]/.test(value)) reject(what, value, 'control character');
  if (!KEY_CHARS.test(value))
    reject(what, value, 'only letters, digits and . _ @ = + - / are allowed');
  if (value.startsWith('/')) reject(what, value, 'leading slash');
  const segments = value.split('/');
  if (allowTrailingSlash && segments.at(-1) === '') segments.pop();
  for (const segment of segments) {
    if (segment === '') reject(what, value, 'empty segment');
    // `.` is refused too: a filesystem would fold `a/./b` into `a/b`, giving one object two keys.
    if (segment === '.' || segment === '..') reject(what, value, `"${segment}" segment`);
    if (segment.length > MAX_SEGMENT_LENGTH)
      reject(what, value, `segment longer than ${MAX_SEGMENT_LENGTH} characters`);
  }
  return value;
}

/**
 * Validates an object key and returns it unchanged. Keys are slash-separated relative paths of
 * `[A-Za-z0-9._@=+-/]`, at most 1024 characters (200 per segment), with no empty, `.` or `..`
 * segment and no leading slash, so a key can never name anything outside the store's root or bucket.
 * @throws AppError `bad_request` naming the reason.
 */
export function assertKey(key: string): string {
  return check('key', key, false);
}

/** True when `key` passes assertKey (for names found on disk that this store did not write). */
export function isKey(key: string): boolean {
  try {
    check('key', key, false);
    return true;
  } catch {
    return false;
  }
}

/**
 * Validates a list prefix: the empty string (everything) or a key-like string that may end with
 * `/` or stop mid-segment (`runs/12` matches `runs/12/…` and `runs/123`).
 * @throws AppError `bad_request`.
 */
export function assertPrefix(prefix: string): string {
  return prefix === '' ? prefix : check('prefix', prefix, true);
}

/**
 * Validates a content type: printable ASCII, 1–255 characters (it travels as an HTTP header).
 * @throws AppError `bad_request`.
 */
export function assertContentType(contentType: string): string {
  if (typeof contentType !== 'string' || !CONTENT_TYPE.test(contentType)) {
    reject('contentType', String(contentType), 'printable ASCII, 1–255 characters expected');
  }
  return contentType;
}

/** Content type recorded when a put names none. */
export const DEFAULT_CONTENT_TYPE = 'application/octet-stream';
