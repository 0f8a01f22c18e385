import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { connect, type Sql } from '../../db/client.ts';
import { migrate } from '../../db/migrate.ts';

/**
 * A database of the test's own: a fresh schema in the test Postgres with every migration
 * applied. Tests start from an empty database and never see each other's rows.
 */
export interface TestDb {
  sql: Sql;
  schema: string;
  url: string;
  drop(): Promise<void>;
}

export async function createTestDb(
  options: { migrate?: boolean; max?: number } = {},
): Promise<TestDb> {
  const url = inject('databaseUrl');
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const admin = connect(url, { max: 1 });
  await admin.unsafe(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const sql = connect(url, { schema, max: options.max ?? 5 });
  if (options.migrate !== false) await migrate(sql);
  return {
    sql,
    schema,
    url,
    async drop() {
      await sql.end({ timeout: 5 });
      const a = connect(url, { max: 1 });
      await a.unsafe(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await a.end();
    },
  };
}
