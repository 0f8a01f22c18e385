import { timingSafeEqual, createHash } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { AppError } from '../core/errors.ts';
import type { AppEnv } from './deps.ts';
import { isStreamPath } from './access/policies.ts';
import { assertLoopbackHost, assertLoopbackOrigin } from './origin.ts';

/**
 * When an access token is configured, every API call must carry it: `Authorization: Bearer …`,
 * or `?access_token=…` on EventSource streams only (they cannot set headers; a token in any other
 * URL would end up in histories and logs). /api/health stays open
 * for liveness probes. The actor is `local` until sign-in exists.
 *
 * Without a token the server is loopback-only; then a request must also name a loopback host
 * and, when a browser sends an Origin, come from a loopback page (`null` refused) — so a web
 * page on another site (DNS rebinding, cross-site forms, sandboxed frames) cannot drive the API.
 */
export function accessControl(token: string | undefined): MiddlewareHandler<AppEnv> {
  const expected = token ? createHash('sha256').update(token).digest() : undefined;
  return async (c, next) => {
    c.set('actor', 'local');
    if (!expected) {
      assertLoopbackHost(c);
      assertLoopbackOrigin(c);
      return next();
    }
    if (c.req.path === '/api/health') return next();
    const header = c.req.header('authorization') ?? '';
    const given =
      header.match(/^Bearer\s+(.+)$/i)?.[1] ??
      (isStreamPath(c.req.path) ? c.req.query('access_token') : undefined) ??
      '';
    const digest = createHash('sha256').update(given).digest();
    if (!given || !timingSafeEqual(digest, expected)) {
      throw new AppError(
        'unauthorized',
        'This server needs an access token: send Authorization: Bearer <token>.',
      );
    }
    return next();
  };
}
