import { Hono } from 'hono';
import {
  createCampaign,
  deleteCampaign,
  getCampaign,
  listCampaigns,
  updateCampaign,
} from '../../db/campaigns.ts';
import { roleIn } from '../../core/auth/roles.ts';
import {
  Campaign,
  CampaignCreate,
  CampaignList,
  CampaignListQuery,
  CampaignPatch,
} from '../contract/campaigns.ts';
import type { AppDeps, AppEnv } from '../deps.ts';
import { readId, readJson, readQuery } from '../input.ts';
import { route } from '../openapi/route-spec.ts';
import { reply } from '../reply.ts';

/** What each route takes and answers (GET /api/openapi.json). */
export const campaignApi = [
  route('get', '/api/campaigns', 'Campaigns the caller holds a role on', {
    query: CampaignListQuery,
    responses: { 200: CampaignList },
  }),
  route('post', '/api/campaigns', 'Create a campaign', {
    body: CampaignCreate,
    responses: { 201: Campaign },
  }),
  route('get', '/api/campaigns/:id', 'A campaign with its metrics', {
    responses: { 200: Campaign },
  }),
  route('patch', '/api/campaigns/:id', 'Change a campaign', {
    body: CampaignPatch,
    responses: { 200: Campaign },
  }),
  route('post', '/api/campaigns/:id/archive', 'Archive a campaign', {
    responses: { 200: Campaign },
  }),
  route('post', '/api/campaigns/:id/unarchive', 'Unarchive a campaign', {
    responses: { 200: Campaign },
  }),
  route('delete', '/api/campaigns/:id', 'Delete a campaign (and its scenarios)', {
    responses: { 204: null },
  }),
];

/** /api/campaigns: list, create, read, update, archive, delete. */
export function campaignRoutes({ sql }: Pick<AppDeps, 'sql'>): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/', async (c) => {
    const q = readQuery(c, CampaignListQuery);
    const items = await listCampaigns(sql, { archived: q.archived ?? false });
    // Each caller sees the campaigns they hold a role on (everything, for administrators).
    const p = c.get('principal');
    return reply(c, CampaignList, { items: items.filter((x) => roleIn(p, x.id) !== undefined) });
  });
  app.post('/', async (c) => {
    const body = await readJson(c, CampaignCreate);
    return reply(c, Campaign, await createCampaign(sql, body, c.get('actor')), 201);
  });
  app.get('/:id', async (c) => reply(c, Campaign, await getCampaign(sql, readId(c))));
  app.patch('/:id', async (c) => {
    const id = readId(c);
    const body = await readJson(c, CampaignPatch);
    return reply(c, Campaign, await updateCampaign(sql, id, body, c.get('actor')));
  });
  app.post('/:id/archive', async (c) =>
    reply(c, Campaign, await updateCampaign(sql, readId(c), { archived: true }, c.get('actor'))),
  );
  app.post('/:id/unarchive', async (c) =>
    reply(c, Campaign, await updateCampaign(sql, readId(c), { archived: false }, c.get('actor'))),
  );
  app.delete('/:id', async (c) => {
    await deleteCampaign(sql, readId(c), c.get('actor'));
    return c.body(null, 204);
  });
  return app;
}
