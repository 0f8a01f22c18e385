import type { Principal } from '../../core/auth/roles.ts';
import type { ApiToken } from '../../db/api-tokens.ts';
import type { Db } from '../../db/client.ts';
import { rolesOfUser } from '../../db/members.ts';
import type { SessionUser } from '../../db/sessions.ts';

/** The principal of a signed-in user: their admin flag and campaign roles, read fresh. */
export async function userPrincipal(db: Db, s: SessionUser): Promise<Principal> {
  return {
    kind: 'user',
    actor: `user:${s.name}`,
    userId: s.userId,
    name: s.name,
    globalAdmin: s.isAdmin,
    campaigns: s.isAdmin ? new Map() : await rolesOfUser(db, s.userId),
  };
}

/** The principal of an API token: its role on its campaign, or on every campaign. */
export function tokenPrincipal(t: ApiToken): Principal {
  const everywhere = t.campaignId === null;
  return {
    kind: 'api-token',
    actor: `token:${t.name}`,
    name: t.name,
    globalAdmin: everywhere && t.role === 'admin',
    ...(everywhere ? { everyCampaign: t.role } : {}),
    campaigns: everywhere ? new Map() : new Map([[t.campaignId!, t.role]]),
  };
}

/** ACCESS_TOKEN in accounts mode: a break-glass global administrator. */
export const ACCESS_TOKEN_PRINCIPAL: Principal = {
  kind: 'access-token',
  actor: 'access-token',
  globalAdmin: true,
  campaigns: new Map(),
};

/** What a signed download link stands for: nobody, allowed only its own path. */
export const LINK_PRINCIPAL: Principal = {
  kind: 'link',
  actor: 'signed-link',
  globalAdmin: false,
  campaigns: new Map(),
};
