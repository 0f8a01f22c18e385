import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie } from 'hono/cookie';
import { ANONYMOUS, LOCAL_ADMIN, type Principal } from '../../core/auth/roles.ts';
import { digestToken, isApiToken } from '../../core/auth/secret-token.ts';
import type { LinkSigner } from '../../core/auth/signed-link.ts';
import type { Config } from '../../core/config.ts';
import { AppError } from '../../core/errors.ts';
import { findApiToken } from '../../db/api-tokens.ts';
import { audit } from '../../db/audit.ts';
import type { Sql } from '../../db/client.ts';
import { findSession } from '../../db/sessions.ts';
import { accessControl } from '../auth.ts';
import type { AppEnv } from '../deps.ts';
import { isStreamPath, POLICIES, SIGNED_LINK_ROUTES } from './policies.ts';
import {
  ACCESS_TOKEN_PRINCIPAL,
  LINK_PRINCIPAL,
  tokenPrincipal,
  userPrincipal,
} from './principal.ts';
import { routeOf } from './route-of.ts';

/** The browser session cookie (HttpOnly, SameSite=Lax, Secure over https). */
export const SESSION_COOKIE = 'sg_session';

export interface AuthenticateDeps {
  config: Config;
  sql: Sql;
  links: LinkSigner;
}

function bearerOf(c: Context): string | undefined {
  const header = c.req.header('authorization')?.match(/^Bearer\s+(.+)$/i)?.[1];
  if (header) return header.trim();
  // EventSource cannot send headers; nowhere else may a credential ride in a URL.
  return isStreamPath(c.req.path) ? c.req.query('access_token') : undefined;
}

function sameToken(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

async function refuse(c: Context, sql: Sql, why: string): Promise<never> {
  await audit(sql, {
    actor: 'anonymous',
    action: 'auth.rejected',
    targetType: 'route',
    targetId: `${c.req.method} ${c.req.path}`,
    outcome: 'denied',
    details: { why },
  });
  throw new AppError('unauthorized', `Sign in again: ${why}.`);
}

/** A cookie-authenticated change must come from this site's own pages. */
function checkOrigin(c: Context): void {
  if (c.req.method === 'GET' || c.req.method === 'HEAD') return;
  const origin = c.req.header('origin');
  if (origin === undefined) return;
  const own = c.req.header('host') ?? new URL(c.req.url).host;
  let host: string | undefined;
  try {
    host = new URL(origin).host;
  } catch {
    host = undefined;
  }
  if (host !== own) throw new AppError('forbidden', 'Cross-site requests are refused.');
}

/**
 * Finds who a request acts for and sets `principal` and `actor`.
 * - `AUTH_MODE=none`: today's rules (functions/auth.ts): loopback only, or ACCESS_TOKEN; the
 *   principal is the one implicit local administrator.
 * - `AUTH_MODE=accounts`: an API token or ACCESS_TOKEN as `Authorization: Bearer`, else the
 *   session cookie; public routes need neither. Anything else is a 401.
 * In both modes a valid signed link opens the one download route it was issued for.
 */
export function authenticate(deps: AuthenticateDeps): MiddlewareHandler<AppEnv> {
  const { config, sql, links } = deps;
  const legacy = accessControl(config.ACCESS_TOKEN);
  const set = (c: Context<AppEnv>, p: Principal) => {
    c.set('principal', p);
    c.set('actor', p.actor);
    c.set('signedLink', false);
  };
  return async (c, next) => {
    const route = routeOf(c);
    if (route && SIGNED_LINK_ROUTES.has(route.key) && c.req.query('sig') !== undefined) {
      if (!links.verify(c.req.path, c.req.query('exp'), c.req.query('sig')))
        throw new AppError('unauthorized', 'This download link has expired; ask for a new one.');
      set(c, LINK_PRINCIPAL);
      c.set('signedLink', true);
      return next();
    }
    if (config.AUTH_MODE === 'none') {
      set(c, LOCAL_ADMIN);
      return legacy(c, next);
    }
    if (route && POLICIES[route.key]?.kind === 'public') {
      set(c, ANONYMOUS);
      return next();
    }
    const bearer = bearerOf(c);
    if (bearer) {
      if (config.ACCESS_TOKEN && sameToken(bearer, config.ACCESS_TOKEN)) {
        set(c, ACCESS_TOKEN_PRINCIPAL);
        return next();
      }
      const digest = isApiToken(bearer) ? digestToken(bearer) : undefined;
      const token = digest ? await findApiToken(sql, digest) : undefined;
      if (!token || !digest) return refuse(c, sql, 'the token is unknown or revoked');
      set(c, tokenPrincipal(token));
      c.set('credentialValid', async () => (await findApiToken(sql, digest)) !== undefined);
      return next();
    }
    const cookie = getCookie(c, SESSION_COOKIE);
    if (cookie) {
      const digest = digestToken(cookie);
      const session = await findSession(sql, digest);
      if (!session) {
        deleteCookie(c, SESSION_COOKIE, { path: '/' });
        return refuse(c, sql, 'the session has expired or was revoked');
      }
      checkOrigin(c);
      set(c, await userPrincipal(sql, session));
      c.set('credentialValid', async () => (await findSession(sql, digest)) !== undefined);
      return next();
    }
    throw new AppError('unauthorized', 'Sign in, or send Authorization: Bearer <token>.');
  };
}
