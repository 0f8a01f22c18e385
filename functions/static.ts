import { existsSync } from 'node:fs';
import path from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import type { Hono } from 'hono';
import type { AppEnv } from './deps.ts';

/**
 * Serves the built SvelteKit SPA: real files as they are, hashed `/_app/immutable/` assets with a
 * long cache, a real 404 for a missing `/_app/` asset, and index.html for every other path
 * (client-side routing).
 */
export function mountSite(app: Hono<AppEnv>, siteDir: string): void {
  const root = path.relative(process.cwd(), siteDir) || '.';
  const index = path.join(siteDir, 'index.html');
  app.use('/_app/immutable/*', async (c, next) => {
    await next();
    if (c.res.status === 200) c.res.headers.set('cache-control', 'public, max-age=31536000, immutable');
  });
  app.use('/*', serveStatic({ root }));
  app.get('/_app/*', (c) => c.text('Not found', 404));
  app.get('*', serveStatic({ root, path: path.relative(process.cwd(), index) }));
  if (!existsSync(index)) app.get('*', (c) => c.text('The site is not built: run `npm run build:site`.', 503));
}
