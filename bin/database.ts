import { parseConfig } from '../core/config.ts';
import { connect, type Sql } from '../db/client.ts';
import { startEmbeddedPostgres } from '../db/embedded.ts';
import { migrate } from '../db/migrate.ts';

/**
 * For commands that work on the database directly (`migrate`, `user`, `token`): DATABASE_URL,
 * or the embedded database under DATA_DIR, migrated, closed again when `fn` ends.
 */
export async function withDatabase<T>(
  env: NodeJS.ProcessEnv,
  fn: (sql: Sql) => Promise<T>,
): Promise<T> {
  const config = parseConfig(env);
  const pg = config.DATABASE_URL ? undefined : await startEmbeddedPostgres(config.dataDir);
  const sql = connect(config.DATABASE_URL ?? pg!.url, { max: 1 });
  try {
    await migrate(sql);
    return await fn(sql);
  } finally {
    await sql.end({ timeout: 5 });
    await pg?.stop();
  }
}
