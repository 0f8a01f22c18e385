import type { MiddlewareHandler } from 'hono';
import type { Config } from '../core/config.ts';
import { AppError } from '../core/errors.ts';
import { scrubErrors } from '../inngest/engine/inngest/scrub.ts';
import {
  INNGEST_SIGNATURE_HEADER,
  signInngest,
  verifyInngestSignature,
} from '../inngest/engine/inngest/request-signature.ts';
import { isJsonContentType } from './json-only.ts';
import { assertLoopbackHost, assertLoopbackOrigin } from './origin.ts';

/**
 * The rules of /api/inngest, which sits outside the API's token check and body limit because an
 * Inngest server, not a user, calls it:
 * - the host and origin rules of every other route: an Origin must be a loopback page (an Inngest
 *   server sends none, so a browser is refused), and the Host a loopback name unless both an
 *   access token and a signing key are set (only then may the server answer other names);
 * - a step call (POST) must be JSON, and signed whenever INNGEST_SIGNING_KEY is set — in dev mode
 *   too, where the SDK itself checks nothing;
 * - no response carries a stack trace or an absolute path (error bodies are scrubbed; a response
 *   the SDK signed is signed again after).
 */
export function inngestGuard(
  config: Pick<Config, 'ACCESS_TOKEN' | 'INNGEST_SIGNING_KEY'>,
): MiddlewareHandler {
  const key = config.INNGEST_SIGNING_KEY;
  const anyHost = Boolean(config.ACCESS_TOKEN && key);
  return async (c, next) => {
    assertLoopbackOrigin(c);
    if (!anyHost) assertLoopbackHost(c);
    if (c.req.method === 'POST') {
      if (!isJsonContentType(c.req.header('content-type')))
        throw new AppError(
          'unsupported_media_type',
          'Inngest step calls are sent as application/json.',
        );
      const body = await c.req.text();
      if (key) {
        const check = verifyInngestSignature(key, c.req.header(INNGEST_SIGNATURE_HEADER), body);
        if (!check.ok) throw new AppError('unauthorized', `Inngest call refused: ${check.reason}.`);
      }
      try {
        JSON.parse(body);
      } catch {
        throw new AppError('bad_request', 'The body is not valid JSON.');
      }
    }
    await next();
    await scrubResponse(c, key);
  };
}

/** Replaces the response with a scrubbed copy when its JSON body carries error details. */
async function scrubResponse(
  c: Parameters<MiddlewareHandler>[0],
  key: string | undefined,
): Promise<void> {
  const res = c.res;
  if (!(res.headers.get('content-type') ?? '').includes('json')) return;
  const text = await res.clone().text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return;
  }
  const scrubbed = JSON.stringify(scrubErrors(json));
  if (scrubbed === JSON.stringify(json)) return;
  const headers = new Headers(res.headers);
  headers.delete('content-length');
  if (key && headers.has(INNGEST_SIGNATURE_HEADER))
    headers.set(INNGEST_SIGNATURE_HEADER, signInngest(key, scrubbed));
  c.res = undefined;
  c.res = new Response(scrubbed, { status: res.status, headers });
}
