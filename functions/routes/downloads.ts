import { Hono } from 'hono';
import type { LinkSigner } from '../../core/auth/signed-link.ts';
import { getScenario } from '../../db/scenarios.ts';
import type { AppDeps, AppEnv } from '../deps.ts';
import { readId } from '../input.ts';

/**
 * POST /api/scenarios/:id/archive/link: a short-lived signed URL for the deployed archive, for a
 * plain link or `<a download>` (which cannot send a token). The caller's right to read the
 * scenario is checked here; the link then opens only that path, for a few minutes.
 */
export function downloadRoutes({ sql }: AppDeps, links: LinkSigner): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.post('/scenarios/:id/archive/link', async (c) => {
    const id = readId(c);
    await getScenario(sql, id);
    return c.json({ url: links.sign(`/api/scenarios/${id}/archive`) });
  });
  return app;
}
