import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Short-lived download links: `path?exp=<unix seconds>&sig=<HMAC-SHA256(path + exp)>` with a key
 * held by the server process. A link works for a few minutes and only for its own path, so one
 * that leaks (browser history, a proxy log) is worth little — unlike a token in the URL.
 */
export interface LinkSigner {
  /** The path with `exp` and `sig` appended. */
  sign(path: string, now?: number): string;
  /** True when `sig` is this server's signature of `path` and `exp` has not passed. */
  verify(path: string, exp: string | undefined, sig: string | undefined, now?: number): boolean;
}

/** A signer with the given key (random when absent: links die with the process). */
export function createLinkSigner(ttlSeconds = 300, key: Buffer = randomBytes(32)): LinkSigner {
  const mac = (path: string, exp: string) =>
    createHmac('sha256', key).update(`${path}\n${exp}`).digest();
  return {
    sign(path, now = Date.now()) {
      const exp = String(Math.floor(now / 1000) + ttlSeconds);
      const sig = mac(path, exp).toString('base64url');
      return `${path}${path.includes('?') ? '&' : '?'}exp=${exp}&sig=${sig}`;
    },
    verify(path, exp, sig, now = Date.now()) {
      if (!exp || !sig || !/^\d{1,12}$/.test(exp)) return false;
      if (Number(exp) * 1000 < now) return false;
      const given = Buffer.from(sig, 'base64url');
      const expected = mac(path, exp);
      return given.length === expected.length && timingSafeEqual(given, expected);
    },
  };
}
