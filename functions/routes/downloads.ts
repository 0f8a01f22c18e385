import { Hono } from 'hono';
import type { LinkSigner } from '../../core/auth/signed-link.ts';
import { getScenario } from '../../db/scenarios.ts';
import { ArchiveLink } from '../contract/runs.ts';
import type { AppDeps, AppEnv } from '../deps.ts';
import { readId } from '../input.ts';
import { route } from '../openapi/route-spec.ts';
import { reply } from '../reply.ts';

/** What each route takes and answers (GET /api/openapi.json). */
export const downloadApi = [
  route('post', '/api/scenarios/:id/archive/link', 'A short-lived link to the deployed archive', {
    responses: { 200: ArchiveLink },
  }),
];

/**
 * POST /api/scenarios/:id/archive/link: a short-lived signed URL for the deployed archive, for a
 * plain link or `<a download>` (which cannot send a token). The caller's right to read the
 * scenario is checked here; the link then opens only that path, for a few minutes.
 */
export function downloadRoutes({ sql }: Pick<AppDeps, 'sql'>, links: LinkSigner): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.post('/scenarios/:id/archive/link', async (c) => {
    const id = readId(c);
    await getScenario(sql, id);
    return reply(c, ArchiveLink, { url: links.sign(`/api/scenarios/${id}/archive`) });
  });
  return app;
}
