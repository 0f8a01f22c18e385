import { AppError, ConflictError } from '../core/errors.ts';
import { tableSpec, type ArchiveTable, type ExportedTable } from './archive-tables.ts';
import type { Db } from './client.ts';

export { ARCHIVE_TABLES, tablesFor, type ArchiveTable } from './archive-tables.ts';

/**
 * The queries behind `scenario-gen export` / `import`: whole rows as JSON text (to_jsonb on the
 * way out, jsonb_populate_record on the way in), so a row keeps every column — ids, timestamps,
 * exact numerics — without a hand-kept column list and without passing through JS numbers.
 * Which tables, keyed how, is decided in archive-tables.ts. Table and column names come only
 * from there and are quoted as identifiers; every value is a bound parameter.
 */

/**
 * A comma-separated list of quoted identifiers. (postgres.js's `db(array)` picks its meaning from
 * the keyword before it, so after an `IN (…)` it would bind the names as values.)
 */
function ids(db: Db, cols: readonly string[]) {
  const [first, ...rest] = cols;
  return rest.reduce((acc, c) => db`${acc}, ${db(c)}`, db`${db(first!)}`);
}

/** Which rows of the table belong to the campaign (every row when campaignId is null). */
function scope(db: Db, table: ArchiveTable, spec: ExportedTable, campaignId: string | null) {
  if (campaignId === null) return db`true`;
  const scenarios = db`SELECT s.id FROM scenarios s WHERE s.campaign_id = ${campaignId}`;
  const runs = db`SELECT r.id FROM runs r WHERE r.scenario_id IN (${scenarios})`;
  switch (spec.scope) {
    case 'campaign':
      return table === 'campaigns' ? db`t.id = ${campaignId}` : db`t.campaign_id = ${campaignId}`;
    case 'scenario':
      return db`t.scenario_id IN (${scenarios})`;
    case 'run':
      return db`t.run_id IN (${runs})`;
    case 'interaction':
      // A session may name only its run (scenario_id is nullable).
      return db`(t.scenario_id IN (${scenarios}) OR t.run_id IN (${runs}))`;
    case 'all':
      throw new AppError('internal', `${table} is not part of a campaign archive.`);
  }
}

/** A row as the archive holds it: secrets dropped, instance-wide references cut. */
function rowJson(db: Db, table: ArchiveTable, campaignId: string | null) {
  if (table === 'notification_channels')
    return db`to_jsonb(t) || jsonb_build_object('secrets', '{}'::jsonb, 'enabled', t.enabled AND t.secrets = '{}'::jsonb)`;
  if (table === 'run_prompt_choices' && campaignId !== null)
    return db`to_jsonb(t) || '{"experiment_id": null}'::jsonb`;
  return db`to_jsonb(t)`;
}

export interface ArchiveBatchRow {
  /** The row as JSON text. */
  json: string;
  /** The object-store keys it names. */
  keys: (string | null)[];
}

/**
 * Streams every row of `table` in scope, in batches through a cursor (a table is never held
 * whole), in a stable order that is also the insert order.
 */
export async function eachArchiveBatch(
  db: Db,
  table: ArchiveTable,
  campaignId: string | null,
  onBatch: (rows: ArchiveBatchRow[]) => Promise<void>,
): Promise<void> {
  const spec = tableSpec(table);
  const order = spec.order ?? (spec.serialId ? ['id'] : spec.key);
  const keys = spec.objectKeys?.length
    ? db`array_remove(ARRAY[${ids(db, spec.objectKeys)}]::text[], NULL)`
    : db`'{}'::text[]`;
  const cursor = db<ArchiveBatchRow[]>`
    SELECT (${rowJson(db, table, campaignId)})::text AS json, ${keys} AS keys
      FROM ${db(table)} t
     WHERE ${scope(db, table, spec, campaignId)}
     ORDER BY ${ids(db, order)}`.cursor(500);
  // The iterator form: each batch is handled to its end before the next is fetched, and the
  // last one before this returns.
  for await (const rows of cursor) await onBatch(rows);
}

/** Names of the campaign's (or every) notification channels that hold secrets. */
export async function channelsWithSecrets(db: Db, campaignId: string | null): Promise<string[]> {
  const rows = await db<{ name: string }[]>`
    SELECT name FROM notification_channels
     WHERE secrets <> '{}'::jsonb AND (${campaignId}::uuid IS NULL OR campaign_id = ${campaignId})
     ORDER BY name, id`;
  return rows.map((r) => r.name);
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

/** The table's columns in order, without a bigserial id the target assigns. */
export async function insertColumns(db: Db, table: ArchiveTable): Promise<string[]> {
  const rows = await db<{ name: string }[]>`
    SELECT column_name AS name FROM information_schema.columns
     WHERE table_schema = current_schema() AND table_name = ${table}
     ORDER BY ordinal_position`;
  const skip = tableSpec(table).serialId ? 'id' : null;
  return rows.map((r) => r.name).filter((c) => c !== skip);
}

/** The archived rows (JSON text lines) as records of the table, with their position. */
const records = (db: Db, table: ArchiveTable, lines: string[]) => db`
  unnest(${lines}::text[]) WITH ORDINALITY AS archive_line(text, ord)
  CROSS JOIN LATERAL jsonb_populate_record(NULL::${db(table)}, archive_line.text::jsonb) AS a`;

/**
 * Keys (as `col=value` text) of archived rows that already exist in the table, under the same
 * key, with different contents (the table's compareIgnores columns aside).
 */
export async function conflictingRows(
  db: Db,
  table: ArchiveTable,
  lines: string[],
): Promise<string[]> {
  const spec = tableSpec(table);
  const ignores = [...(spec.compareIgnores ?? [])];
  const found = await db<{ row: Record<string, unknown> }[]>`
    SELECT to_jsonb(a) AS row
      FROM ${records(db, table, lines)}
      JOIN ${db(table)} b USING (${ids(db, spec.key)})
     WHERE (to_jsonb(a) - ${ignores}::text[]) IS DISTINCT FROM (to_jsonb(b) - ${ignores}::text[])
     ORDER BY archive_line.ord`;
  return found.map(({ row }) => spec.key.map((k) => `${k}=${String(row[k])}`).join(' '));
}

/**
 * Inserts the archived rows whose key is new (rows already present are left alone), in archive
 * order. Returns the keys' first column of the inserted rows. A clash on another unique
 * constraint (a live campaign's name, a user's name) or a missing parent becomes a ConflictError
 * naming the constraint.
 */
export async function insertArchiveRows(
  db: Db,
  table: ArchiveTable,
  columns: string[],
  lines: string[],
): Promise<string[]> {
  const spec = tableSpec(table);
  const done = await db<{ k: string }[]>`
    INSERT INTO ${db(table)} (${ids(db, columns)})
    SELECT ${ids(db, columns)} FROM ${records(db, table, lines)} ORDER BY archive_line.ord
    ON CONFLICT (${ids(db, spec.key)}) DO NOTHING
    RETURNING ${db(spec.key[0]!)}::text AS k`.catch(
    (e: { code?: string; constraint_name?: string; detail?: string; message?: string }) => {
      if (e?.code === '23505' || e?.code === '23503')
        throw new ConflictError(
          `Refusing to import: ${table} rows clash with rows already in the database (${e.constraint_name ?? 'constraint'}${e.detail ? `: ${e.detail}` : ''}).`,
          { table, constraint: e.constraint_name },
        );
      if (typeof e?.code === 'string' && /^(22|23)/.test(e.code))
        throw new AppError('bad_request', `The archive's ${table} rows do not load: ${e.message}`);
      throw e;
    },
  );
  return done.map((r) => r.k);
}

/**
 * Brings the derived tables up to date for newly imported runs: run_stats was written by the
 * insert trigger before the runs' sessions were in, so its prompt version and agent are redone.
 * (Error signatures were recorded by the validation_results insert trigger, in created order.)
 */
export async function refreshRunStats(db: Db, runIds: string[]): Promise<void> {
  if (!runIds.length) return;
  await db`
    SELECT run_stats_upsert(r) FROM runs r
     WHERE r.id = ANY(${runIds}::uuid[])
       AND r.status IN ('succeeded', 'failed', 'cancelled') AND r.finished_at IS NOT NULL`;
}
