import { createHash, randomBytes } from 'node:crypto';

/**
 * Session and API tokens: 32 random bytes, shown once, stored only as a SHA-256 digest. A lookup
 * by digest is a constant-time check in effect: the database compares digests, and a digest
 * reveals nothing about which token bytes were right.
 */
export type TokenKind = 'session' | 'api';

const PREFIX: Record<TokenKind, string> = { session: 'sgs_', api: 'sgt_' };

/** A new random token with its kind's prefix. */
export function newSecretToken(kind: TokenKind): string {
  return PREFIX[kind] + randomBytes(32).toString('base64url');
}

/** The digest stored for a token. */
export function digestToken(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

/** True when `token` looks like an API token (as opposed to the configured ACCESS_TOKEN). */
export function isApiToken(token: string): boolean {
  return token.startsWith(PREFIX.api);
}
