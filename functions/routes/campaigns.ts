import { Hono } from 'hono';
import {
  createCampaign,
  deleteCampaign,
  getCampaign,
  listCampaigns,
  updateCampaign,
} from '../../db/campaigns.ts';
import { roleIn } from '../../core/auth/roles.ts';
import type { AppDeps, AppEnv } from '../deps.ts';
import { readId, readJson, readQuery } from '../input.ts';
import { CampaignCreate, CampaignListQuery, CampaignPatch } from '../schemas/campaign.ts';

/** /api/campaigns: list, create, read, update, archive, delete. */
export function campaignRoutes({ sql }: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/', async (c) => {
    const q = readQuery(c, CampaignListQuery);
    const items = await listCampaigns(sql, { archived: q.archived ?? false });
    // Each caller sees the campaigns they hold a role on (everything, for administrators).
    const p = c.get('principal');
    return c.json({ items: items.filter((x) => roleIn(p, x.id) !== undefined) });
  });
  app.post('/', async (c) => {
    const body = await readJson(c, CampaignCreate);
    return c.json(await createCampaign(sql, body, c.get('actor')), 201);
  });
  app.get('/:id', async (c) => c.json(await getCampaign(sql, readId(c))));
  app.patch('/:id', async (c) => {
    const id = readId(c);
    const body = await readJson(c, CampaignPatch);
    return c.json(await updateCampaign(sql, id, body, c.get('actor')));
  });
  app.post('/:id/archive', async (c) =>
    c.json(await updateCampaign(sql, readId(c), { archived: true }, c.get('actor'))),
  );
  app.post('/:id/unarchive', async (c) =>
    c.json(await updateCampaign(sql, readId(c), { archived: false }, c.get('actor'))),
  );
  app.delete('/:id', async (c) => {
    await deleteCampaign(sql, readId(c), c.get('actor'));
    return c.body(null, 204);
  });
  return app;
}
