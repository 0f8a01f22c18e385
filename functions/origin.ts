import type { Context } from 'hono';
import { AppError } from '../core/errors.ts';

/**
 * Who may reach a loopback-only server: requests naming a loopback host (so DNS rebinding, where
 * another site's name points at 127.0.0.1, is refused) and, when a browser says where the request
 * comes from, a loopback page. `Origin: null` is refused too: sandboxed frames, `file:` pages
 * and cross-site redirects send it, and none of them is the dashboard.
 */
const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** The host name of a Host header value or an origin URL; undefined when unparseable. */
export function hostnameOf(value: string): string | undefined {
  try {
    return new URL(value.includes('://') ? value : `http://${value}`).hostname;
  } catch {
    return undefined;
  }
}

/** True for a loopback host name (127.0.0.1, localhost, ::1). */
export function isLoopbackName(name: string | undefined): boolean {
  return name !== undefined && LOOPBACK_NAMES.has(name);
}

/** Throws `forbidden` unless the request names a loopback host. */
export function assertLoopbackHost(c: Context): void {
  const host = hostnameOf(c.req.header('host') ?? new URL(c.req.url).host);
  if (!isLoopbackName(host)) {
    throw new AppError(
      'forbidden',
      'This server answers loopback names only (127.0.0.1, localhost); set ACCESS_TOKEN to serve other hosts.',
    );
  }
}

/** Throws `forbidden` when the request carries an Origin that is not a loopback page (`null` included). */
export function assertLoopbackOrigin(c: Context): void {
  const origin = c.req.header('origin');
  if (origin === undefined) return;
  const url = origin === 'null' ? undefined : hostnameOf(origin);
  if (!isLoopbackName(url)) throw new AppError('forbidden', 'Cross-site requests are refused.');
}
