import { NotFoundError } from '../core/errors.ts';
import { audit, type Actor } from './audit.ts';
import type { Db } from './client.ts';

/**
 * Prompt templates as versioned data: every version's text (immutable: a trigger refuses any
 * change), where it came from, and the incumbent new runs use outside an experiment.
 */
export interface PromptVersion {
  template: string;
  version: string;
  body: string;
  source: 'file' | 'suggestion';
  parentVersion: string | null;
  suggestionId: string | null;
  createdBy: string;
  createdAt: Date;
}

const select = (db: Db) => db`
  SELECT template, version, body, source, parent_version AS "parentVersion",
         suggestion_id AS "suggestionId", created_by AS "createdBy", created_at AS "createdAt"
    FROM prompt_versions`;

/** Records a version (a no-op when it exists: the same text is the same version). */
export async function ensurePromptVersion(
  db: Db,
  v: {
    template: string;
    version: string;
    body: string;
    source: PromptVersion['source'];
    parentVersion?: string | null;
    suggestionId?: string | null;
    createdBy: Actor;
  },
): Promise<void> {
  await db`
    INSERT INTO prompt_versions (template, version, body, source, parent_version, suggestion_id, created_by)
    VALUES (${v.template}, ${v.version}, ${v.body}, ${v.source}, ${v.parentVersion ?? null},
            ${v.suggestionId ?? null}, ${v.createdBy})
    ON CONFLICT (template, version) DO NOTHING`;
}

/** One version's text. */
export async function getPromptVersion(
  db: Db,
  template: string,
  version: string,
): Promise<PromptVersion> {
  const [row] = await db<
    PromptVersion[]
  >`${select(db)} WHERE template = ${template} AND version = ${version}`;
  if (!row) throw new NotFoundError('Prompt version', `${template}@${version}`);
  return row;
}

/** The template a version hash belongs to (versions are content hashes, so at most one). */
export async function findPromptVersion(db: Db, version: string): Promise<PromptVersion> {
  const [row] = await db<PromptVersion[]>`${select(db)} WHERE version = ${version} LIMIT 1`;
  if (!row) throw new NotFoundError('Prompt version', version);
  return row;
}

/** Every version of every template, oldest first. */
export async function listPromptVersions(db: Db): Promise<PromptVersion[]> {
  return db<PromptVersion[]>`${select(db)} ORDER BY template, created_at, version`;
}

/** Incumbents set by a promotion, by template (others use their file's version). */
export async function listIncumbents(db: Db): Promise<Map<string, string>> {
  const rows = await db<{ template: string; version: string }[]>`
    SELECT template, version FROM prompt_incumbents`;
  return new Map(rows.map((r) => [r.template, r.version]));
}

/** The incumbent version of a template set by a promotion, if any. */
export async function getIncumbent(db: Db, template: string): Promise<string | undefined> {
  const [row] = await db<{ version: string }[]>`
    SELECT version FROM prompt_incumbents WHERE template = ${template}`;
  return row?.version;
}

/** Makes `version` the template's incumbent. */
export async function setIncumbent(
  db: Db,
  template: string,
  version: string,
  actor: Actor,
): Promise<void> {
  await db`
    INSERT INTO prompt_incumbents (template, version, changed_by) VALUES (${template}, ${version}, ${actor})
    ON CONFLICT (template) DO UPDATE SET version = EXCLUDED.version, changed_by = EXCLUDED.changed_by,
      changed_at = now()`;
  await audit(db, {
    actor,
    action: 'prompt.promote',
    targetType: 'prompt',
    targetId: `${template}@${version}`,
  });
}
