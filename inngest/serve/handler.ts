import type { Context, Hono } from 'hono';
import type { Env } from 'hono/types';
import type { Inngest, InngestFunction } from 'inngest';
import { serve } from 'inngest/hono';

/** Where the functions are served; the Inngest server calls this URL. */
export const INNGEST_PATH = '/api/inngest';

export type InngestHandler = (c: Context) => Promise<Response>;

/**
 * The serve endpoint: GET answers introspection, PUT syncs (registers) the functions with the
 * server, POST runs a function step. Requests from a signed server are verified with the signing
 * key; a dev server's are not signed.
 */
export function inngestHandler(client: Inngest, functions: InngestFunction.Any[], o: { serveOrigin?: string } = {}): InngestHandler {
  return serve({ client, functions, servePath: INNGEST_PATH, ...(o.serveOrigin ? { serveOrigin: o.serveOrigin } : {}) });
}

/**
 * Mounts the endpoint at /api/inngest for GET, POST and PUT. Register it before the API's
 * middleware (or on an outer app that then routes to the API): Inngest authenticates with request
 * signatures, not our access token, and its step payloads can exceed the API's body limit.
 */
export function mountInngest<E extends Env>(app: Hono<E>, handler: InngestHandler): Hono<E> {
  app.on(['GET', 'POST', 'PUT'], INNGEST_PATH, (c) => handler(c as unknown as Context));
  return app;
}
