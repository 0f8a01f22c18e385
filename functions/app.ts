import type { Hono } from 'hono';
import { createAppOn } from './app-core.ts';
import type { AppDeps, AppEnv } from './deps.ts';
import { nodeHost } from './node-host.ts';

/** The HTTP app on the Node server: createAppOn with every host port (functions/node-host.ts). */
export function createApp(deps: AppDeps): Hono<AppEnv> {
  return createAppOn(deps, nodeHost);
}
