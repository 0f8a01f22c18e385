import type { Inngest, InngestFunction } from 'inngest';
import { serve } from 'inngest/hono';
import { INNGEST_PATH, type InngestHandler } from './mount.ts';

export { INNGEST_PATH, mountInngest, type InngestHandler } from './mount.ts';

/**
 * The serve endpoint: GET answers introspection, PUT syncs (registers) the functions with the
 * server, POST runs a function step. Requests from a signed server are verified with the signing
 * key; a dev server's are not signed.
 */
export function inngestHandler(
  client: Inngest,
  functions: InngestFunction.Any[],
  o: { serveOrigin?: string } = {},
): InngestHandler {
  return serve({
    client,
    functions,
    servePath: INNGEST_PATH,
    ...(o.serveOrigin ? { serveOrigin: o.serveOrigin } : {}),
  });
}
