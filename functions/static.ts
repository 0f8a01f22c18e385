import { existsSync } from 'node:fs';
import path from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import type { Hono } from 'hono';
import type { AppEnv } from './deps.ts';

/**
 * Serves the built SvelteKit SPA: real files as they are, hashed `/_app/immutable/` assets with a
 * long cache, a real 404 for a missing `/_app/` asset, and index.html (never cached, so a new
 * build is picked up) for every other path: the client-side router takes it from there.
 */
export function mountSite(app: Hono<AppEnv>, siteDir: string): void {
  const root = path.resolve(siteDir);
  if (!existsSync(path.join(root, 'index.html'))) {
    app.get('*', (c) => c.text('The site is not built: run `npm run build:site`.', 503));
    return;
  }
  app.use('/_app/immutable/*', async (c, next) => {
    await next();
    if (c.res.status === 200)
      c.res.headers.set('cache-control', 'public, max-age=31536000, immutable');
  });
  // The build writes .br and .gz beside each file: sent as they are to a browser that takes them.
  app.use('/*', serveStatic({ root, precompressed: true }));
  app.get('/_app/*', (c) => c.text('Not found', 404));
  app.get(
    '*',
    async (c, next) => {
      await next();
      c.res.headers.set('cache-control', 'no-cache');
    },
    serveStatic({ root, path: 'index.html', precompressed: true }),
  );
}
