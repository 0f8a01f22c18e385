/**
 * Every table of db/migrations/ and whether `scenario-gen export` carries it: the one place that
 * decides what a user's archive holds. test/archive-tables.test.ts fails when a migration adds a
 * table that is not named here.
 *
 * - `campaign`: in every archive; `--campaign C` takes only the rows of C (`scope` says how).
 * - `whole`: only in a whole-instance export (no `--campaign`): accounts, prompts and settings
 *   belong to the instance, not to one campaign.
 * - `excluded`: never archived, with the reason.
 *
 * Exported tables are listed parents first: import inserts them in this order.
 */
export type Scope = 'campaign' | 'scenario' | 'run' | 'interaction' | 'all';

export interface ExportedTable {
  mode: 'campaign' | 'whole';
  /** How `--campaign C` picks rows: by campaign_id, by a scenario of C, by a run of C. */
  scope: Scope;
  /**
   * Columns that name a row on any machine. For uuid tables the id; for tables with a bigserial
   * id (ids are per instance, so two machines reuse them) the natural unique key, and the id is
   * left for the target's sequence to assign.
   */
  key: readonly string[];
  serialId?: boolean;
  /** Columns holding object-store keys: the objects the archive carries beside the rows. */
  objectKeys?: readonly string[];
  /**
   * Columns left out when an archived row is compared with the row already in the database
   * (identical rows are skipped, different ones refuse the import).
   */
  compareIgnores?: readonly string[];
  /** Row order in the archive, and so the insert order (a retry after its parent run). */
  order?: readonly string[];
}

export interface ExcludedTable {
  mode: 'excluded';
  reason: string;
}

export type TableDecision = ExportedTable | ExcludedTable;

const id = ['id'] as const;

export const EXPORTED_TABLES = {
  campaigns: { mode: 'campaign', scope: 'campaign', key: id },
  scenarios: { mode: 'campaign', scope: 'campaign', key: id },
  runs: { mode: 'campaign', scope: 'scenario', key: id, order: ['created_at', 'id'] },
  run_steps: {
    mode: 'campaign',
    scope: 'run',
    key: ['run_id', 'step_key'],
    serialId: true,
    compareIgnores: ['id'],
  },
  generation_logs: {
    mode: 'campaign',
    scope: 'scenario',
    key: ['scenario_id', 'seq'],
    serialId: true,
    compareIgnores: ['id'],
  },
  plan_versions: { mode: 'campaign', scope: 'scenario', key: id, objectKeys: ['object_key'] },
  artifacts: { mode: 'campaign', scope: 'scenario', key: id, objectKeys: ['object_key'] },
  // Inserted oldest first: the insert trigger rebuilds the error signatures from them in order.
  validation_results: {
    mode: 'campaign',
    scope: 'scenario',
    key: id,
    objectKeys: ['raw_output_key'],
    order: ['created_at', 'id'],
  },
  agent_interactions: {
    mode: 'campaign',
    scope: 'interaction',
    key: id,
    objectKeys: ['transcript_key'],
  },
  // Secrets (webhook URLs, SMTP passwords, tokens) are never written to an archive: the channel
  // arrives with empty secrets and, when it had any, disabled, until someone enters them again
  // (the import prints which). An archive is a file users copy around; it must not be a key ring.
  notification_channels: {
    mode: 'campaign',
    scope: 'campaign',
    key: id,
    compareIgnores: ['secrets', 'enabled', 'updated_at'],
  },
  notification_deliveries: { mode: 'campaign', scope: 'campaign', key: id },
  benchmark_runs: { mode: 'campaign', scope: 'campaign', key: id },
  users: { mode: 'whole', scope: 'all', key: id },
  // Tokens move with a whole export: only their SHA-256 hashes are stored (never the token), and
  // the scripts and CI jobs that hold them keep working against the new machine. A campaign
  // archive leaves them out: it may be loaded into someone else's instance.
  api_tokens: { mode: 'whole', scope: 'all', key: id },
  campaign_members: { mode: 'whole', scope: 'all', key: ['campaign_id', 'user_id'] },
  settings: { mode: 'whole', scope: 'all', key: ['key'] },
  // Versions are content hashes: the same (template, version) is the same text wherever it was
  // recorded, so when and by whom it was first seen may differ.
  prompt_versions: {
    mode: 'whole',
    scope: 'all',
    key: ['template', 'version'],
    compareIgnores: ['created_at', 'created_by'],
  },
  prompt_incumbents: { mode: 'whole', scope: 'all', key: ['template'] },
  prompt_experiments: { mode: 'whole', scope: 'all', key: id },
  prompt_suggestions: { mode: 'whole', scope: 'all', key: id },
  // A campaign archive carries which prompt version each run used, without the (instance-wide)
  // experiment that chose it: experiment_id is written as null there.
  run_prompt_choices: {
    mode: 'campaign',
    scope: 'run',
    key: ['run_id', 'template'],
    compareIgnores: ['experiment_id'],
  },
} as const satisfies Record<string, ExportedTable>;

export type ArchiveTable = keyof typeof EXPORTED_TABLES;
export const ARCHIVE_TABLES = Object.keys(EXPORTED_TABLES) as ArchiveTable[];

const derived =
  'derived: rebuilt by the triggers and run_stats_upsert from the imported runs and validation results';

export const EXCLUDED_TABLES: Record<string, ExcludedTable> = {
  run_stats: { mode: 'excluded', reason: derived },
  signin_failures: { mode: 'excluded', reason: 'sign-in throttling kept for 15 minutes' },
  signature_runs: { mode: 'excluded', reason: derived },
  signature_days: { mode: 'excluded', reason: derived },
  validated_runs: { mode: 'excluded', reason: derived },
  improvement_patterns: {
    mode: 'excluded',
    reason: `${derived} (no code edits a pattern; it is counts and examples of signatures)`,
  },
  suggestions: {
    mode: 'excluded',
    reason: 'unused since prompt_suggestions replaced it: no code writes or reads it',
  },
  user_sessions: {
    mode: 'excluded',
    reason: "browser logins tied to the old host's cookies; users sign in again",
  },
  audit_log: {
    mode: 'excluded',
    reason:
      "the instance's own append-only security record (per-instance ids); the import itself is recorded in the target's log",
  },
  executor_events: {
    mode: 'excluded',
    reason: "the local executor's in-flight engine state, meaningless on another machine",
  },
  executor_runs: { mode: 'excluded', reason: "the local executor's in-flight engine state" },
  executor_steps: { mode: 'excluded', reason: "the local executor's in-flight engine state" },
  webhook_deliveries: {
    mode: 'excluded',
    reason: 'replay protection for webhook delivery ids, useless after the signature window',
  },
  schema_migrations: {
    mode: 'excluded',
    reason: "the target's own migrations; the archive's schema version is in its manifest",
  },
};

/** Every table of the schema with its decision. */
export const TABLE_DECISIONS: Record<string, TableDecision> = {
  ...EXPORTED_TABLES,
  ...EXCLUDED_TABLES,
};

/** The tables an archive of this kind holds, parents first. */
export function tablesFor(campaignMode: boolean): ArchiveTable[] {
  return ARCHIVE_TABLES.filter((t) => !campaignMode || EXPORTED_TABLES[t].mode === 'campaign');
}

/** The decision for an archived table, typed wide (the `as const` map is narrow per entry). */
export const tableSpec = (t: ArchiveTable): ExportedTable => EXPORTED_TABLES[t];
