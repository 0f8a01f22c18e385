import type { MiddlewareHandler } from 'hono';
import { AppError } from '../core/errors.ts';

/**
 * Mutations must say they are JSON, with or without a body. A page on another site can send a
 * form, a `text/plain` body or a bodiless POST without asking, but a JSON content type only after
 * a CORS preflight this server never grants; so requiring it on every POST, PUT, PATCH and DELETE
 * keeps other pages (and sandboxed frames) from driving the API with the user's credentials.
 */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** True for `application/json` and any `application/…+json`, parameters allowed. */
export function isJsonContentType(value: string | undefined): boolean {
  const type = (value ?? '').split(';')[0]!.trim().toLowerCase();
  return type === 'application/json' || /^application\/[a-z0-9.!#$&^_-]+\+json$/.test(type);
}

/** True for methods that change something (everything but GET, HEAD and OPTIONS). */
export function isMutating(method: string): boolean {
  return !SAFE_METHODS.has(method.toUpperCase());
}

/** Refuses a mutating request whose content type is not JSON (415). */
export const requireJson: MiddlewareHandler = async (c, next) => {
  if (isMutating(c.req.method) && !isJsonContentType(c.req.header('content-type'))) {
    throw new AppError(
      'unsupported_media_type',
      'Send changes with content-type: application/json (also when there is no body).',
    );
  }
  await next();
};
