import type { Context, MiddlewareHandler } from 'hono';
import { roleIn, satisfies, type Principal, type Role } from '../../core/auth/roles.ts';
import { AppError } from '../../core/errors.ts';
import { audit } from '../../db/audit.ts';
import { campaignOf, campaignsOfScenarios } from '../../db/campaign-of.ts';
import type { Sql } from '../../db/client.ts';
import type { AppEnv } from '../deps.ts';
import { POLICIES, SIGNED_LINK_ROUTES, type Policy } from './policies.ts';
import { routeOf, type MatchedRoute } from './route-of.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Every campaign: the route spans campaigns (no `?campaign=`). */
const EVERY = '*';

async function bodyOf(c: Context): Promise<Record<string, unknown>> {
  try {
    const parsed = JSON.parse(await c.req.text()) as unknown;
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {}; // the route itself answers 400/415
  }
}

/**
 * The campaigns a request touches and the role it needs on each. An id that is not a UUID
 * yields nothing: the route refuses it (400) before reading anything.
 */
async function needs(
  sql: Sql,
  c: Context,
  route: MatchedRoute,
  policy: Extract<Policy, { kind: 'campaign' }>,
): Promise<{ campaigns: string[]; role: Role }> {
  const id = route.params.id ?? '';
  const ids: string[] = [];
  let role = policy.role;
  switch (policy.from) {
    case 'campaign':
      if (UUID.test(id)) ids.push(id);
      break;
    case 'scenario':
    case 'run':
    case 'artifact':
      if (UUID.test(id)) ids.push(await campaignOf(sql, policy.from, id));
      break;
    case 'every':
      ids.push(EVERY);
      break;
    case 'query': {
      const q = c.req.query('campaign');
      ids.push(q === undefined ? EVERY : q);
      break;
    }
    case 'body': {
      const campaignId = (await bodyOf(c)).campaignId;
      if (typeof campaignId === 'string' && UUID.test(campaignId)) ids.push(campaignId);
      break;
    }
    case 'batch': {
      const body = await bodyOf(c);
      const list = Array.isArray(body.ids) ? body.ids.filter((x) => typeof x === 'string') : [];
      ids.push(
        ...(await campaignsOfScenarios(
          sql,
          list.filter((x) => UUID.test(x)),
        )),
      );
      if (body.action === 'delete') role = 'admin';
      break;
    }
  }
  if (policy.alsoBody) {
    const moved = (await bodyOf(c)).campaignId;
    if (typeof moved === 'string' && UUID.test(moved)) ids.push(moved);
  }
  return { campaigns: ids, role };
}

function holds(p: Principal, campaign: string, role: Role): boolean {
  if (campaign === EVERY) return p.globalAdmin || satisfies(p.everyCampaign, role);
  return satisfies(roleIn(p, campaign), role);
}

/**
 * Checks the route's policy (functions/access/policies.ts) for the principal authenticate()
 * found. A refusal is a 403 and an audit row; a route missing from the table is refused to
 * everyone but the zero-configuration local administrator.
 */
export function authorize(sql: Sql): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const p = c.get('principal');
    const route = routeOf(c);
    if (!route || p.kind === 'local') return next();
    if (c.get('signedLink') && SIGNED_LINK_ROUTES.has(route.key)) return next();
    const policy = POLICIES[route.key];
    let denied: { campaignId: string | null; message: string } | undefined;
    if (!policy) denied = { campaignId: null, message: 'This route has no access policy.' };
    else if (policy.kind === 'globalAdmin' && !p.globalAdmin)
      denied = { campaignId: null, message: 'Only an administrator may do this.' };
    else if (policy.kind === 'campaign' && !p.globalAdmin) {
      const { campaigns, role } = await needs(sql, c, route, policy);
      const missing = campaigns.find((id) => !holds(p, id, role));
      if (missing !== undefined)
        denied = {
          campaignId: UUID.test(missing) ? missing : null,
          message:
            missing === EVERY
              ? `This view spans every campaign; choose a campaign (you need the ${role} role on it).`
              : `You need the ${role} role on this campaign.`,
        };
    }
    if (!denied) return next();
    await audit(sql, {
      actor: p.actor,
      action: 'authz.denied',
      targetType: 'route',
      targetId: route.key,
      campaignId: denied.campaignId,
      outcome: 'denied',
      details: { path: c.req.path },
    });
    throw new AppError('forbidden', denied.message);
  };
}
