import type { MiddlewareHandler } from 'hono';
import { audit } from '../../db/audit.ts';
import type { Sql } from '../../db/client.ts';
import type { AppEnv } from '../deps.ts';
import { POLICIES } from './policies.ts';
import { routeOf } from './route-of.ts';

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);
const ENTITIES = new Set(['campaign', 'scenario', 'run']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A change that was refused or failed leaves an audit row too (a successful one is audited by its
 * query, in its own transaction). 401 and 403 are audited where they are decided; this records
 * the rest: invalid input, conflicts, server errors — the status and code, never the body.
 */
export function auditFailures(
  sql: Sql,
  options: { refusals?: boolean } = {},
): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await next();
    const status = c.res.status;
    // `refusals`: routes with their own credential (the webhook's signature) audit 401/403 here.
    const decidedElsewhere = !options.refusals && (status === 401 || status === 403);
    if (READS.has(c.req.method) || status < 400 || decidedElsewhere) return;
    const route = routeOf(c);
    const key = route?.key ?? `${c.req.method} ${c.req.path}`;
    // Name what the path points at, so the row finds its campaign (db/audit.ts derives it).
    const policy = route ? POLICIES[route.key] : undefined;
    const id = route?.params.id;
    const entity =
      policy?.kind === 'campaign' && id && UUID.test(id) && ENTITIES.has(policy.from)
        ? { targetType: policy.from, targetId: id }
        : { targetType: 'route', targetId: key };
    await audit(sql, {
      actor: c.get('actor') ?? 'anonymous',
      action: 'request.failed',
      ...entity,
      outcome: status === 401 || status === 403 ? 'denied' : 'failed',
      details: { status, route: key },
    }).catch(() => {});
  };
}
