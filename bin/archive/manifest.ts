import * as v from 'valibot';
import { AppError } from '../../core/errors.ts';
import { ARCHIVE_TABLES } from '../../db/data-archive.ts';

/**
 * The manifest at the root of an export archive (manifest.json). Import validates it before
 * reading anything else: the tables it names, their row files, and every object with its size and
 * SHA-256, so a truncated or edited archive is refused before it touches the database.
 */
export const ARCHIVE_FORMAT = 'scenario-gen-export';
/** 2: tables as NDJSON (one row a line), every table of db/archive-tables.ts. */
export const ARCHIVE_FORMAT_VERSION = 2;

/** Files inside the archive: `tables/<name>.ndjson` and `objects/<n>`, nothing else. */
const FILE = v.pipe(v.string(), v.regex(/^(tables\/[a-z_]+\.ndjson|objects\/\d{1,9})$/));
const SHA256 = v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/));
const UUID = v.pipe(v.string(), v.uuid());

export const ArchiveManifest = v.strictObject({
  format: v.literal(ARCHIVE_FORMAT),
  formatVersion: v.literal(ARCHIVE_FORMAT_VERSION),
  createdAt: v.pipe(v.string(), v.isoTimestamp()),
  /** The exported campaign, or null for the whole database. */
  campaignId: v.nullable(UUID),
  /** The newest migration of the exporting database; import needs the same. */
  schemaVersion: v.pipe(v.number(), v.integer(), v.minValue(0)),
  tables: v.array(
    v.strictObject({
      name: v.picklist(ARCHIVE_TABLES),
      file: FILE,
      rows: v.pipe(v.number(), v.integer(), v.minValue(0)),
      sha256: SHA256,
    }),
  ),
  objects: v.array(
    v.strictObject({
      key: v.pipe(v.string(), v.minLength(1), v.maxLength(1024)),
      file: FILE,
      size: v.pipe(v.number(), v.integer(), v.minValue(0)),
      sha256: SHA256,
    }),
  ),
  /** Keys the rows name but the store no longer held at export time. */
  missingObjects: v.array(v.string()),
  /** Notification channels whose secrets were left out (they arrive disabled, without them). */
  secretsOmitted: v.array(v.string()),
});
export type ArchiveManifest = v.InferOutput<typeof ArchiveManifest>;

/** Parses manifest.json; throws with every issue's path and message when it does not fit. */
export function parseManifest(text: string): ArchiveManifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new AppError(
      'bad_request',
      'manifest.json is not JSON: is this a scenario-gen export archive?',
    );
  }
  const head = (json ?? {}) as { format?: unknown; formatVersion?: unknown };
  if (head.format !== ARCHIVE_FORMAT)
    throw new AppError('bad_request', 'manifest.json is not a scenario-gen export manifest.');
  if (head.formatVersion !== ARCHIVE_FORMAT_VERSION)
    throw new AppError(
      'bad_request',
      `The archive is in export format version ${String(head.formatVersion)}; this scenario-gen reads version ${ARCHIVE_FORMAT_VERSION}.`,
    );
  const r = v.safeParse(ArchiveManifest, json);
  if (!r.success) {
    const issues = r.issues.map((i) => `${v.getDotPath(i) ?? '(root)'}: ${i.message}`);
    throw new AppError(
      'bad_request',
      `manifest.json does not fit the archive format:\n  ${issues.join('\n  ')}`,
    );
  }
  return r.output;
}
