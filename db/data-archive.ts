import { ConflictError } from '../core/errors.ts';
import type { Db } from './client.ts';

/**
 * The queries behind `scenario-gen export` / `import`: whole rows as JSON, read per table and
 * written back with `jsonb_populate_recordset`, so a row keeps every column (ids, timestamps,
 * costs) without a hand-kept column list. Table names come only from ARCHIVE_TABLES and are
 * quoted as identifiers; every value is a bound parameter.
 */

/** The tables an archive holds, parents first (the order import inserts them in). */
export const ARCHIVE_TABLES = [
  'campaigns',
  'scenarios',
  'runs',
  'plan_versions',
  'artifacts',
  'validation_results',
  'agent_interactions',
] as const;
export type ArchiveTable = (typeof ARCHIVE_TABLES)[number];

/** Columns holding object-store keys, per table: the objects an archive carries beside the rows. */
export const OBJECT_KEY_COLUMNS: Record<ArchiveTable, readonly string[]> = {
  campaigns: [],
  scenarios: [],
  runs: [],
  plan_versions: ['object_key'],
  artifacts: ['object_key'],
  validation_results: ['raw_output_key'],
  agent_interactions: ['transcript_key'],
};

export type ArchiveRow = Record<string, unknown> & { id: string };

/** Rows per statement on import: keeps one bound JSON parameter well under a few MB. */
const CHUNK = 500;

/** Which rows of `table` belong to the campaign (every row when campaignId is null). */
function scope(db: Db, table: ArchiveTable, campaignId: string | null) {
  if (campaignId === null) return db`true`;
  const scenarios = db`SELECT id FROM scenarios WHERE campaign_id = ${campaignId}`;
  switch (table) {
    case 'campaigns':
      return db`t.id = ${campaignId}`;
    case 'scenarios':
      return db`t.campaign_id = ${campaignId}`;
    case 'agent_interactions':
      // A session may name only its run (scenario_id is nullable).
      return db`(t.scenario_id IN (${scenarios}) OR t.run_id IN (SELECT id FROM runs WHERE scenario_id IN (${scenarios})))`;
    default:
      return db`t.scenario_id IN (${scenarios})`;
  }
}

/**
 * Every row of `table` in scope, as JSON objects keyed by column name, in a stable order (runs
 * oldest first, so a retry's parent run is inserted before it).
 */
export async function readArchiveRows(
  db: Db,
  table: ArchiveTable,
  campaignId: string | null,
): Promise<ArchiveRow[]> {
  const rows = await db<{ row: ArchiveRow }[]>`
    SELECT to_jsonb(t) AS row FROM ${db(table)} t
     WHERE ${scope(db, table, campaignId)}
     ORDER BY ${table === 'runs' ? db`t.created_at, t.id` : db`t.id`}`;
  return rows.map((r) => r.row);
}

/** True when the campaign exists. */
export async function campaignExists(db: Db, campaignId: string): Promise<boolean> {
  const rows = await db`SELECT 1 FROM campaigns WHERE id = ${campaignId}`;
  return rows.length > 0;
}

/** The newest applied migration's version (0 when none): archives only move between equals. */
export async function schemaVersion(db: Db): Promise<number> {
  const [row] = await db<
    { v: number | null }[]
  >`SELECT max(version)::int AS v FROM schema_migrations`;
  return row?.v ?? 0;
}

function* chunks<T>(items: T[]): Generator<T[]> {
  for (let i = 0; i < items.length; i += CHUNK) yield items.slice(i, i + CHUNK);
}

/** Ids of archive rows whose id already exists in `table` with different contents. */
export async function conflictingRows(
  db: Db,
  table: ArchiveTable,
  rows: ArchiveRow[],
): Promise<string[]> {
  const ids: string[] = [];
  for (const part of chunks(rows)) {
    const found = await db<{ id: string }[]>`
      SELECT a.id::text AS id
        FROM jsonb_populate_recordset(NULL::${db(table)}, ${db.json(part as never)}) a
        JOIN ${db(table)} b ON b.id = a.id
       WHERE to_jsonb(a) IS DISTINCT FROM to_jsonb(b)
       ORDER BY a.id`;
    ids.push(...found.map((r) => r.id));
  }
  return ids;
}

/**
 * Inserts the rows whose id is new; identical existing rows are left alone. Returns how many. A
 * clash on another unique constraint (or a missing parent) becomes a ConflictError naming both.
 */
export async function insertArchiveRows(
  db: Db,
  table: ArchiveTable,
  rows: ArchiveRow[],
): Promise<number> {
  let inserted = 0;
  for (const part of chunks(rows)) {
    const done = await db`
      INSERT INTO ${db(table)}
      SELECT * FROM jsonb_populate_recordset(NULL::${db(table)}, ${db.json(part as never)})
      ON CONFLICT (id) DO NOTHING
      RETURNING id`.catch((e: { code?: string; constraint_name?: string; detail?: string }) => {
      // Another row (other id) already holds a unique value, e.g. a live campaign's name.
      if (e?.code !== '23505' && e?.code !== '23503') throw e;
      throw new ConflictError(
        `Refusing to import: ${table} rows clash with rows already in the database (${e.constraint_name ?? 'constraint'}${e.detail ? `: ${e.detail}` : ''}).`,
        { table, constraint: e.constraint_name },
      );
    });
    inserted += done.length;
  }
  return inserted;
}
