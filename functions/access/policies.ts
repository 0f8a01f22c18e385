import type { Role } from '../../core/auth/roles.ts';

/**
 * Who may call each API route, in one table keyed by `METHOD /path` exactly as Hono registers it.
 * The authorisation middleware refuses a route missing here (accounts mode), and a test walks
 * Hono's route table against this one, so a new route cannot be forgotten.
 *
 * - `public`: no credentials (liveness, sign-in itself).
 * - `signedIn`: any authenticated principal (reads that belong to no campaign).
 * - `globalAdmin`: server-wide settings, users, campaign creation.
 * - `campaign`: the role needed on the campaign of what the route touches, found from `from`:
 *   `campaign` (the `:id` is a campaign), `scenario`/`run`/`artifact` (the `:id` is one),
 *   `query` (`?campaign=`; absent means every campaign), `body` (`campaignId`), `batch` (the
 *   scenarios named in the body; `delete` needs admin), `every` (the route spans every campaign,
 *   whatever the query says: the role is needed on all of them).
 * - `hook`: has its own credential (an HMAC signature), checked by the route.
 */
export type CampaignSource =
  'campaign' | 'scenario' | 'run' | 'artifact' | 'query' | 'body' | 'batch' | 'every';

export type Policy =
  | { kind: 'public' }
  | { kind: 'signedIn' }
  | { kind: 'globalAdmin' }
  | { kind: 'hook' }
  | { kind: 'campaign'; role: Role; from: CampaignSource; alsoBody?: boolean };

const open: Policy = { kind: 'public' };
const signedIn: Policy = { kind: 'signedIn' };
const globalAdmin: Policy = { kind: 'globalAdmin' };
const on = (role: Role, from: CampaignSource, alsoBody = false): Policy => ({
  kind: 'campaign',
  role,
  from,
  ...(alsoBody ? { alsoBody } : {}),
});

export const POLICIES: Record<string, Policy> = {
  'GET /api/health': open,
  'GET /api/auth/status': open,
  'POST /api/auth/signin': open,
  'POST /api/auth/signout': open,
  'POST /api/auth/setup': open,
  'GET /api/auth/session': signedIn,
  'POST /api/hooks/generate': { kind: 'hook' },

  'GET /api/ready': signedIn,
  'GET /api/meta': signedIn,
  'GET /api/openapi.json': signedIn,
  'GET /api/settings': signedIn,
  'GET /api/profiles': signedIn,
  'PATCH /api/settings': globalAdmin,
  'GET /api/analytics': on('viewer', 'query'),
  'GET /api/analytics/overview': on('viewer', 'query'),
  'GET /api/analytics/problems': on('viewer', 'query'),
  'POST /api/predictions': on('viewer', 'body'),
  // Prompt templates are server-wide: anyone signed in reads them; only an administrator
  // changes what every run is told. A benchmark creates a campaign of its own.
  'GET /api/prompts': signedIn,
  'GET /api/prompts/suggestions': signedIn,
  'GET /api/prompts/suggestions/:id': signedIn,
  'POST /api/prompts/suggestions': globalAdmin,
  'POST /api/prompts/suggestions/:id/approve': globalAdmin,
  'POST /api/prompts/suggestions/:id/reject': globalAdmin,
  'POST /api/prompts/experiments/:id/pin': globalAdmin,
  'POST /api/prompts/experiments/:id/stop': globalAdmin,
  'GET /api/benchmarks': signedIn,
  'GET /api/benchmarks/:id': signedIn,
  'POST /api/benchmarks': globalAdmin,
  'GET /api/audit': on('admin', 'query'),

  'GET /api/users': globalAdmin,
  'POST /api/users': globalAdmin,

  'GET /api/campaigns': signedIn,
  'POST /api/campaigns': globalAdmin,
  'GET /api/campaigns/:id': on('viewer', 'campaign'),
  'PATCH /api/campaigns/:id': on('admin', 'campaign'),
  'POST /api/campaigns/:id/archive': on('admin', 'campaign'),
  'POST /api/campaigns/:id/unarchive': on('admin', 'campaign'),
  'DELETE /api/campaigns/:id': on('admin', 'campaign'),
  'GET /api/campaigns/:id/members': on('admin', 'campaign'),
  'PUT /api/campaigns/:id/members': on('admin', 'campaign'),
  'DELETE /api/campaigns/:id/members/:userId': on('admin', 'campaign'),
  'GET /api/campaigns/:id/notifications': on('viewer', 'campaign'),
  'GET /api/campaigns/:id/notifications/deliveries': on('viewer', 'campaign'),
  'POST /api/campaigns/:id/notifications/channels': on('admin', 'campaign'),
  'PATCH /api/campaigns/:id/notifications/channels/:channelId': on('admin', 'campaign'),
  'DELETE /api/campaigns/:id/notifications/channels/:channelId': on('admin', 'campaign'),
  'POST /api/campaigns/:id/notifications/channels/:channelId/test': on('admin', 'campaign'),

  'GET /api/events': on('viewer', 'query'),
  'GET /api/scenarios/:id/events': on('viewer', 'scenario'),

  'GET /api/scenarios': on('viewer', 'query'),
  'POST /api/scenarios': on('operator', 'body'),
  'POST /api/scenarios/batch': on('operator', 'batch'),
  'GET /api/scenarios/:id': on('viewer', 'scenario'),
  'PATCH /api/scenarios/:id': on('operator', 'scenario', true),
  'DELETE /api/scenarios/:id': on('admin', 'scenario'),
  'POST /api/scenarios/:id/generate': on('operator', 'scenario'),
  'POST /api/scenarios/:id/change': on('operator', 'scenario'),
  'POST /api/scenarios/:id/rollback': on('admin', 'scenario'),
  'GET /api/scenarios/:id/runs': on('viewer', 'scenario'),
  'GET /api/scenarios/:id/logs': on('viewer', 'scenario'),
  'GET /api/scenarios/:id/archive': on('viewer', 'scenario'),
  'POST /api/scenarios/:id/archive/link': on('viewer', 'scenario'),

  'GET /api/runs': on('viewer', 'query'),
  'GET /api/runs/:id': on('viewer', 'run'),
  'POST /api/runs/:id/cancel': on('operator', 'run'),
  'POST /api/runs/:id/retry': on('operator', 'run'),
  'GET /api/runs/:id/plans': on('viewer', 'run'),
  'GET /api/runs/:id/plans/:iteration': on('viewer', 'run'),
  'GET /api/runs/:id/artifacts': on('viewer', 'run'),
  'GET /api/runs/:id/validations': on('viewer', 'run'),
  'GET /api/runs/:id/interactions': on('viewer', 'run'),
  'GET /api/runs/:id/interactions/:sessionId/transcript': on('viewer', 'run'),
  'GET /api/artifacts/:id/files/*': on('viewer', 'artifact'),

  // Server-wide figures: a scraper's API token needs the viewer role on every campaign.
  'GET /metrics': on('viewer', 'every'),
};

/** Routes that may be fetched with a short-lived signed link instead of credentials. */
export const SIGNED_LINK_ROUTES = new Set(['GET /api/scenarios/:id/archive']);

/** Routes an EventSource opens (it cannot send headers, so a token may ride in the query). */
export function isStreamPath(path: string): boolean {
  return /^\/api\/(events|scenarios\/[^/]+\/events)$/.test(path);
}
