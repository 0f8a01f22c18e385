import type { Sql } from './client.ts';
import { OWNER_LOCK } from './executor-owner.ts';

/**
 * Whether a process runs the local executor on this database schema: the owner holds the
 * advisory lock of db/executor-owner.ts on a connection of its own for as long as it lives, so a
 * granted lock in pg_locks means a live worker (a dead one's connection, and lock, are gone).
 * Read by processes that only enqueue (the edge entry) before they start a run.
 */
export async function executorOwnerPresent(sql: Sql): Promise<boolean> {
  const [row] = await sql<{ ok: boolean }[]>`
    SELECT EXISTS (
      SELECT 1 FROM pg_locks
       WHERE locktype = 'advisory' AND granted
         AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
         AND objid::int = hashtext(${OWNER_LOCK} || current_schema())) AS ok`;
  return row?.ok === true;
}
