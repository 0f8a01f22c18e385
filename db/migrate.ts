import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Sql } from './client.ts';

/**
 * Applies the numbered plain-SQL migrations in db/migrations (`NNN_name.sql`) that are not yet
 * recorded in `schema_migrations`, each in its own transaction, under an advisory lock so two
 * processes starting at once do not race. Idempotent: a second call applies nothing.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

const MIGRATIONS_DIR = path.join(import.meta.dirname, 'migrations');

/** Reads the migration files in order. */
export async function loadMigrations(dir = MIGRATIONS_DIR): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((f) => /^\d{3}_[a-z0-9_]+\.sql$/.test(f)).sort();
  return Promise.all(
    files.map(async (file) => {
      const text = await readFile(path.join(dir, file), 'utf8');
      return {
        version: Number(file.slice(0, 3)),
        name: file.replace(/\.sql$/, ''),
        sql: text,
        checksum: createHash('sha256').update(text).digest('hex'),
      };
    }),
  );
}

async function ensureTable(sql: Sql): Promise<void> {
  await sql`
    CREATE TABLE IF NOT EXISTS schema_migrations (
      version    integer PRIMARY KEY,
      name       text NOT NULL,
      checksum   text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`;
}

/** Applies pending migrations; returns the names applied. */
export async function migrate(sql: Sql, migrations?: Migration[]): Promise<string[]> {
  const all = migrations ?? (await loadMigrations());
  await ensureTable(sql);
  const applied: string[] = [];
  for (const m of all) {
    const done = await sql.begin(async (tx) => {
      await tx`SELECT pg_advisory_xact_lock(hashtext('scenario-gen-migrate:' || current_schema()))`;
      const [row] = await tx<{ checksum: string }[]>`
        SELECT checksum FROM schema_migrations WHERE version = ${m.version}`;
      if (row) {
        if (row.checksum !== m.checksum) {
          throw new Error(
            `Migration ${m.name} was changed after it was applied (checksum differs).`,
          );
        }
        return false;
      }
      await tx.unsafe(m.sql);
      await tx`INSERT INTO schema_migrations (version, name, checksum) VALUES (${m.version}, ${m.name}, ${m.checksum})`;
      return true;
    });
    if (done) applied.push(m.name);
  }
  return applied;
}

/** Migrations known to the code but not applied to the database. */
export async function pendingMigrations(sql: Sql): Promise<string[]> {
  const all = await loadMigrations();
  const [exists] = await sql<
    { t: string | null }[]
  >`SELECT to_regclass('schema_migrations')::text AS t`;
  if (!exists?.t) return all.map((m) => m.name);
  const rows = await sql<{ version: number }[]>`SELECT version FROM schema_migrations`;
  const done = new Set(rows.map((r) => r.version));
  return all.filter((m) => !done.has(m.version)).map((m) => m.name);
}
