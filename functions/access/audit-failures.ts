import type { MiddlewareHandler } from 'hono';
import { audit } from '../../db/audit.ts';
import type { Sql } from '../../db/client.ts';
import type { AppEnv } from '../deps.ts';
import { routeOf } from './route-of.ts';

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * A change that was refused or failed leaves an audit row too (a successful one is audited by its
 * query, in its own transaction). 401 and 403 are audited where they are decided; this records
 * the rest: invalid input, conflicts, server errors — the status and code, never the body.
 */
export function auditFailures(sql: Sql): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await next();
    const status = c.res.status;
    if (READS.has(c.req.method) || status < 400 || status === 401 || status === 403) return;
    const route = routeOf(c);
    await audit(sql, {
      actor: c.get('actor') ?? 'anonymous',
      action: 'request.failed',
      targetType: 'route',
      targetId: route?.key ?? `${c.req.method} ${c.req.path}`,
      outcome: 'failed',
      details: { status, path: c.req.path },
    }).catch(() => {});
  };
}
