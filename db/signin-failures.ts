import type { FailureLimiter } from '../core/auth/rate-limit.ts';
import type { Db } from './client.ts';

/**
 * Sign-in throttling in Postgres (table `signin_failures`): every api process and edge instance
 * sees the same counts, and a restart forgets nothing. Time is the database's, so processes
 * with different clocks agree. Rows older than the window are deleted as new failures come.
 */
export function createSignInLimiter(
  db: Db,
  scope: string,
  max: number,
  windowMs: number,
): FailureLimiter {
  const keyOf = (key: string) => `${scope}:${key}`;
  const window = `${Math.max(1, Math.round(windowMs / 1000))} seconds`;
  return {
    async retryAfter(key) {
      // The max-th most recent failure in the window: the key may try again when it leaves.
      const [row] = await db<{ wait: number }[]>`
        SELECT ceil(extract(epoch FROM failed_at + ${window}::interval - now()))::int AS wait
          FROM signin_failures
         WHERE key = ${keyOf(key)} AND failed_at > now() - ${window}::interval
         ORDER BY failed_at DESC OFFSET ${max - 1} LIMIT 1`;
      return row ? Math.max(1, row.wait) : 0;
    },
    async fail(key) {
      await db`INSERT INTO signin_failures (key) VALUES (${keyOf(key)})`;
      await db`DELETE FROM signin_failures WHERE failed_at < now() - ${window}::interval`;
    },
    async reset(key) {
      await db`DELETE FROM signin_failures WHERE key = ${keyOf(key)}`;
    },
  };
}
