import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXPORTED_TABLES, TABLE_DECISIONS, tableSpec } from '../db/archive-tables.ts';
import { ARCHIVE_TABLES } from '../db/data-archive.ts';
import { createTestDb, type TestDb } from './support/db.ts';

/**
 * db/archive-tables.ts decides, for every table of the schema, whether `scenario-gen export`
 * carries it. A migration that adds a table without a decision there fails here.
 */
let db: TestDb;
beforeAll(async () => {
  db = await createTestDb();
});
afterAll(async () => {
  await db?.drop();
});

describe('the archive table list', () => {
  it('names every table the migrations create, and no other', async () => {
    const rows = await db.sql<{ name: string }[]>`
      SELECT table_name AS name FROM information_schema.tables
       WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1`;
    const inSchema = rows.map((r) => r.name);
    const dir = path.resolve(import.meta.dirname, '../db/migrations');
    const created = new Set<string>();
    for (const f of await readdir(dir))
      for (const m of (await readFile(path.join(dir, f), 'utf8')).matchAll(
        /CREATE TABLE (?:IF NOT EXISTS )?([a-z_]+)/gi,
      ))
        created.add(m[1]!.toLowerCase());
    const decided = Object.keys(TABLE_DECISIONS).sort();
    expect(inSchema.length).toBeGreaterThan(30);
    expect(decided).toEqual(inSchema);
    for (const t of created) expect(decided).toContain(t);
  });

  it('keys, object columns and ignored columns of exported tables are real columns', async () => {
    for (const t of ARCHIVE_TABLES) {
      const cols = (
        await db.sql<{ c: string }[]>`
          SELECT column_name AS c FROM information_schema.columns
           WHERE table_schema = current_schema() AND table_name = ${t}`
      ).map((r) => r.c);
      const spec = tableSpec(t);
      for (const c of [...spec.key, ...(spec.objectKeys ?? []), ...(spec.compareIgnores ?? [])])
        expect(cols, `${t}.${c}`).toContain(c);
      if (spec.serialId) expect(spec.key).not.toContain('id');
    }
    for (const [t, d] of Object.entries(TABLE_DECISIONS))
      if (d.mode === 'excluded') expect(d.reason.length, t).toBeGreaterThan(20);
    expect(Object.keys(EXPORTED_TABLES)).toEqual(ARCHIVE_TABLES);
  });
});
