/**
 * Sign-in throttling: failures counted per key (client address, user name) in a sliding window;
 * a key over its limit is refused until its oldest counted failure leaves the window. Kept where
 * every process serving the API sees it (db/signin-failures.ts), so neither several api
 * processes nor a restart multiply the guesses allowed.
 */
export interface FailureLimiter {
  /** Seconds until the key may try again, or 0 when it may try now. */
  retryAfter(key: string): Promise<number>;
  fail(key: string): Promise<void>;
  reset(key: string): Promise<void>;
}
