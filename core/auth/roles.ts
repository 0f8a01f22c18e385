/**
 * Roles and who holds them. A campaign role is viewer (read), operator (create scenarios,
 * start/cancel/retry runs) or admin (members, settings, deletes); a global administrator holds
 * admin on every campaign and may manage users and server settings.
 */
export const ROLES = ['viewer', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

const RANK: Record<Role, number> = { viewer: 1, operator: 2, admin: 3 };

/** True when `held` is at least `needed`. */
export function satisfies(held: Role | undefined, needed: Role): boolean {
  return held !== undefined && RANK[held] >= RANK[needed];
}

/** The stronger of two roles. */
export function stronger(a: Role | undefined, b: Role | undefined): Role | undefined {
  if (!a) return b;
  if (!b) return a;
  return RANK[a] >= RANK[b] ? a : b;
}

/** Whoever a request acts for. `actor` is what the audit trail records. */
export interface Principal {
  kind: 'local' | 'access-token' | 'user' | 'api-token' | 'anonymous' | 'link';
  actor: string;
  userId?: string;
  name?: string;
  globalAdmin: boolean;
  /** A role on every campaign (API tokens not tied to one campaign). */
  everyCampaign?: Role;
  /** Roles per campaign id. */
  campaigns: ReadonlyMap<string, Role>;
}

/** The role a principal holds on a campaign. */
export function roleIn(p: Principal, campaignId: string): Role | undefined {
  if (p.globalAdmin) return 'admin';
  return stronger(p.everyCampaign, p.campaigns.get(campaignId));
}

/** True when the principal sees every campaign (cross-campaign lists and streams). */
export function seesEveryCampaign(p: Principal): boolean {
  return p.globalAdmin || p.everyCampaign !== undefined;
}

/** The implicit administrator of the zero-configuration mode. */
export const LOCAL_ADMIN: Principal = {
  kind: 'local',
  actor: 'local',
  globalAdmin: true,
  campaigns: new Map(),
};

/** Nobody yet: public routes (sign-in, liveness) before credentials are checked. */
export const ANONYMOUS: Principal = {
  kind: 'anonymous',
  actor: 'anonymous',
  globalAdmin: false,
  campaigns: new Map(),
};
