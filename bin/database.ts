import { loadConfig } from '../core/secrets/load.ts';
import { connect, type Sql } from '../db/client.ts';
import { startEmbeddedPostgres } from '../db/embedded.ts';
import { migrate } from '../db/migrate.ts';

/**
 * For commands that work on the database directly (`migrate`, `user`, `token`): DATABASE_URL,
 * or the embedded database under DATA_DIR, migrated, closed again when `fn` ends. Settings load
 * as the server loads them (secrets from files and Vault too).
 */
export async function withDatabase<T>(
  env: NodeJS.ProcessEnv,
  fn: (sql: Sql) => Promise<T>,
): Promise<T> {
  const { config } = await loadConfig(env);
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
