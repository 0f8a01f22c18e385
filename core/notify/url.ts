import { NotifyError } from './types.ts';

/**
 * The one check for a URL the server will send to on a user's behalf: http or https, a host,
 * no credentials in it (they belong in a channel's secret fields, where they are hidden), at
 * most 2000 characters. Loopback and private addresses are allowed on purpose: a self-hosted
 * server notifies receivers on its own machine or network (and the tests' receivers listen on
 * 127.0.0.1). Returns the parsed URL; throws a NotifyError (not retriable) otherwise.
 */
export function checkTargetUrl(raw: string): URL {
  const problem = targetUrlProblem(raw);
  if (problem) throw new NotifyError(`refused target URL: ${problem}`, { retriable: false });
  return new URL(raw);
}

/** Why a URL may not be a notification target, or undefined when it may. */
export function targetUrlProblem(raw: string): string | undefined {
  if (raw.length > 2000) return 'must be at most 2000 characters';
  const url = URL.parse(raw);
  if (!url) return 'must be an absolute URL';
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return 'must start with http:// or https://';
  if (!url.hostname) return 'must name a host';
  if (url.username || url.password) return 'must not carry credentials (use the secret fields)';
  return undefined;
}

/** True when `secret` is a key the library accepts (`whsec_` + base64 of 24–64 bytes). */
export function isWebhookSecret(secret: string): boolean {
  const m = /^whsec_([A-Za-z0-9+/]+={0,2})$/.exec(secret);
  if (!m) return false;
  const n = Buffer.from(m[1]!, 'base64').length;
  return n >= 24 && n <= 64;
}
