import { randomUUID } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { withRequestContext } from '../../core/auth/request-context.ts';
import type { AppEnv } from '../deps.ts';

/**
 * The address of the peer that opened the connection (Node's socket). Forwarded-for headers are
 * not trusted: anyone can send them.
 */
export function clientAddress(c: Context): string | null {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress ?? null;
}

const LOOPBACK_ADDRESS = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

/** True when the connection comes from this machine. */
export function fromLoopback(c: Context): boolean {
  const address = clientAddress(c);
  return address !== null && LOOPBACK_ADDRESS.test(address);
}

/**
 * Gives every request an id (a well-formed incoming `X-Request-Id`, else a new one), echoes it in
 * the response, and makes it and the client address the audit trail's context.
 */
export function requestContext(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const given = c.req.header('x-request-id');
    const requestId = given && /^[A-Za-z0-9._:-]{1,100}$/.test(given) ? given : randomUUID();
    c.header('x-request-id', requestId);
    await withRequestContext({ requestId, clientAddress: clientAddress(c) }, () => next());
  };
}
