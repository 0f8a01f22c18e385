import type { Context, Hono } from 'hono';
import type { Env } from 'hono/types';

/** Where the functions are served; the Inngest server calls this URL. */
export const INNGEST_PATH = '/api/inngest';

/** The serve endpoint as a Hono handler (built by handler.ts, only in served mode). */
export type InngestHandler = (c: Context) => Promise<Response>;

/**
 * Mounts the endpoint at /api/inngest for GET, POST and PUT. Register it before the API's
 * middleware: Inngest authenticates with request signatures, not our access token, and its step
 * payloads can exceed the API's body limit. It adds no checks of its own; createApp registers the
 * guard (functions/inngest-guard.ts: host and origin rules, JSON, signatures, no stacks) first.
 * Kept apart from handler.ts so the app does not load the Inngest SDK unless it is served.
 */
export function mountInngest<E extends Env>(app: Hono<E>, handler: InngestHandler): Hono<E> {
  app.on(['GET', 'POST', 'PUT'], INNGEST_PATH, (c) => handler(c as unknown as Context));
  return app;
}
