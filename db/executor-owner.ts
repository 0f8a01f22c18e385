import type { Sql } from './client.ts';

/**
 * The local executor's owner: one process per database schema runs the executor; the others wait
 * as standbys (inngest/engine/local/engine.ts).
 */

/** The advisory lock that makes one process the local executor's owner (per database schema). */
export const OWNER_LOCK = 'scenario-gen:local-executor';

/** The owner lock, held on a connection of its own. */
export interface ExecutorLock {
  /** True while the connection that holds the lock answers (a restarted Postgres drops it). */
  alive(): Promise<boolean>;
  /** Gives the lock up (a dead connection has already lost it). */
  release(): Promise<void>;
}

/**
 * Tries to take the owner lock on a connection of its own: held for as long as that connection
 * lives, so it is released when its process dies. Per schema: tests (and tenants) that share a
 * database each have an owner of their own. Undefined when another process owns it.
 */
export async function tryOwnExecutor(sql: Sql): Promise<ExecutorLock | undefined> {
  const conn = await sql.reserve();
  let pid: number;
  try {
    const [row] = await conn<{ ok: boolean; pid: number }[]>`
      SELECT pg_try_advisory_lock(hashtext(${OWNER_LOCK} || current_schema())) AS ok,
             pg_backend_pid() AS pid`;
    if (!row?.ok) {
      conn.release();
      return undefined;
    }
    pid = row.pid;
  } catch (e) {
    conn.release();
    throw e;
  }
  let lost = false;
  return {
    async alive() {
      // Asked through the pool, never on the lock's own connection: a query on a reserved
      // connection that died breaks postgres.js (3.4.x) instead of failing.
      if (lost) return false;
      const check = sql<{ ok: boolean }[]>`
        SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted AND pid = ${pid}
                         AND objid::int = hashtext(${OWNER_LOCK} || current_schema())) AS ok`.then(
        ([r]) => r?.ok === true,
        () => false,
      );
      const timeout = new Promise<boolean>((r) => setTimeout(r, 2000, false).unref());
      lost = !(await Promise.race([check, timeout]));
      return !lost;
    },
    async release() {
      // A lost lock's connection is dead: leave it alone (see alive()).
      if (lost) return;
      await conn`SELECT pg_advisory_unlock(hashtext(${OWNER_LOCK} || current_schema()))`.catch(
        () => {},
      );
      conn.release();
    },
  };
}
