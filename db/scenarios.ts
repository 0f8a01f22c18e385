import type postgres from 'postgres';
import {
  ACTIVE_STATUSES,
  slugify,
  type Complexity,
  type EvidenceLevel,
  type GenerationConfig,
  type Phase,
  type ScenarioSort,
  type ScenarioStatus,
} from '../core/domain.ts';
import { ConflictError, NotFoundError } from '../core/errors.ts';
import { iterationDefaults, type ServerDefaults } from '../core/server-defaults.ts';
import { audit, type Actor } from './audit.ts';
import type { Db, Sql } from './client.ts';
import { serverDefaults } from './settings.ts';
import { mapped } from './errors.ts';

export interface Scenario {
  id: string;
  campaignId: string;
  slug: string;
  title: string;
  request: string;
  complexity: Complexity;
  category: string;
  targetFormat: string;
  config: GenerationConfig;
  status: ScenarioStatus;
  phase: Phase | null;
  iteration: number;
  progress: number;
  currentRunId: string | null;
  costUsd: number;
  lastAction: string | null;
  error: string | null;
  archived: boolean;
  eventSeq: number;
  createdAt: Date;
  updatedAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  deployedAt: Date | null;
  /** Cost of every run of the scenario (costUsd is the current run's). */
  totalCostUsd: number;
  /** The evidence level of the latest deployed run, null when none deployed. */
  evidence: EvidenceLevel | null;
}

export interface ScenarioInput {
  campaignId: string;
  title: string;
  request: string;
  slug?: string;
  complexity?: Complexity;
  category?: string;
  targetFormat?: string;
  config?: Partial<GenerationConfig>;
}

export type ScenarioPatch = Partial<Omit<ScenarioInput, 'config'>> & {
  config?: Partial<GenerationConfig>;
  archived?: boolean;
};

export interface ScenarioQuery {
  campaignId?: string;
  statuses?: ScenarioStatus[];
  archived?: boolean | 'all';
  q?: string;
  sort?: ScenarioSort;
  limit?: number;
  offset?: number;
}

const COLUMNS = (db: Db) => db`
  id, campaign_id AS "campaignId", slug, title, request, complexity, category, target_format AS "targetFormat",
  config, status, phase, iteration, progress, current_run_id AS "currentRunId", cost_usd AS "costUsd",
  last_action AS "lastAction", error, archived, event_seq AS "eventSeq", created_at AS "createdAt",
  updated_at AS "updatedAt", started_at AS "startedAt", finished_at AS "finishedAt", deployed_at AS "deployedAt",
  (SELECT coalesce(sum(r.cost_usd), 0) FROM runs r WHERE r.scenario_id = scenarios.id) AS "totalCostUsd",
  (SELECT coalesce(r.facts->>'evidence', 'structure') FROM runs r
    WHERE r.scenario_id = scenarios.id AND r.status = 'succeeded' ORDER BY r.number DESC LIMIT 1) AS evidence`;

const ORDER: Record<string, string> = {
  created: 'created_at',
  updated: 'updated_at',
  title: 'title',
  status: 'status',
  progress: 'progress',
};

export async function getScenario(db: Db, id: string): Promise<Scenario> {
  const [row] = await db<Scenario[]>`SELECT ${COLUMNS(db)} FROM scenarios WHERE id = ${id}`;
  if (!row) throw new NotFoundError('Scenario', id);
  return row;
}

/**
 * Filtered, sorted page of scenarios plus the total matching. One statement, one round trip: the
 * total rides along as an uncorrelated sub-select (evaluated once, from the same snapshot as the
 * page), and the page still stops at LIMIT. A page past the end has no row to carry the total, so
 * only then is it counted separately.
 */
export async function listScenarios(
  db: Db,
  q: ScenarioQuery,
): Promise<{ items: Scenario[]; total: number }> {
  const archived = q.archived ?? false;
  // Across campaigns, an archived campaign's scenarios are out of sight like the campaign itself.
  const where = db`
    ${q.campaignId ? db`campaign_id = ${q.campaignId}` : archived === 'all' ? db`true` : db`campaign_id NOT IN (SELECT id FROM campaigns WHERE archived)`}
    AND ${archived === 'all' ? db`true` : db`archived = ${archived}`}
    AND ${q.statuses?.length ? db`status IN ${db(q.statuses)}` : db`true`}
    AND ${q.q ? db`(title ILIKE ${'%' + escapeLike(q.q) + '%'} OR request ILIKE ${'%' + escapeLike(q.q) + '%'})` : db`true`}`;
  const sort = q.sort ?? '-created';
  const column = ORDER[sort.replace(/^-/, '')]!;
  const dir = sort.startsWith('-') ? db`DESC` : db`ASC`;
  const offset = q.offset ?? 0;
  const rows = await db<(Scenario & { total: number })[]>`
    SELECT ${COLUMNS(db)}, (SELECT count(*)::int FROM scenarios WHERE ${where}) AS total
      FROM scenarios WHERE ${where}
     ORDER BY ${db(column)} ${dir}, id ${dir} LIMIT ${q.limit ?? 50} OFFSET ${offset}`;
  if (rows.length === 0) {
    if (offset === 0) return { items: [], total: 0 };
    const [count] = await db<
      { n: number }[]
    >`SELECT count(*)::int AS n FROM scenarios WHERE ${where}`;
    return { items: [], total: count?.n ?? 0 };
  }
  return { items: rows.map(({ total: _total, ...item }) => item), total: rows[0]!.total };
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => '\\' + c);
}

/** The full config: complexity defaults (as the settings set them) overlaid with the request's. */
export function resolveConfig(
  complexity: Complexity,
  partial: Partial<GenerationConfig> = {},
  defaults: ServerDefaults = {},
): GenerationConfig {
  return { ...iterationDefaults(defaults)[complexity], ...partial };
}

async function uniqueSlug(tx: Db, campaignId: string, wanted: string): Promise<string> {
  const base = slugify(wanted);
  const rows = await tx<{ slug: string }[]>`
    SELECT slug FROM scenarios WHERE campaign_id = ${campaignId} AND (slug = ${base} OR slug LIKE ${base + '-%'})`;
  const taken = new Set(rows.map((r) => r.slug));
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
}

export async function createScenario(
  sql: Sql,
  input: ScenarioInput,
  actor: Actor,
): Promise<Scenario> {
  const complexity = input.complexity ?? 'simple';
  const config = resolveConfig(complexity, input.config, await serverDefaults(sql));
  return mapped(() =>
    sql.begin(async (tx) => {
      const [campaign] = await tx<
        { archived: boolean }[]
      >`SELECT archived FROM campaigns WHERE id = ${input.campaignId} FOR UPDATE`;
      if (!campaign) throw new NotFoundError('Campaign', input.campaignId);
      if (campaign.archived)
        throw new ConflictError('The campaign is archived; unarchive it to add scenarios.');
      const slug = input.slug ?? (await uniqueSlug(tx, input.campaignId, input.title));
      const [row] = await tx<{ id: string }[]>`
        INSERT INTO scenarios (campaign_id, slug, title, request, complexity, category, target_format, config, created_by)
        VALUES (${input.campaignId}, ${slug}, ${input.title}, ${input.request}, ${complexity}, ${input.category ?? 'general'},
                ${input.targetFormat ?? 'vrooli-2025-08-07'}, ${tx.json(config as never)}, ${actor})
        RETURNING id`;
      await audit(tx, {
        actor,
        action: 'scenario.create',
        targetType: 'scenario',
        targetId: row!.id,
        details: { campaignId: input.campaignId, title: input.title },
      });
      return getScenario(tx, row!.id);
    }),
  );
}

async function lockIdle(tx: Db, id: string, verb: string): Promise<Scenario> {
  const [row] = await tx<
    Scenario[]
  >`SELECT ${COLUMNS(tx)} FROM scenarios WHERE id = ${id} FOR UPDATE`;
  if (!row) throw new NotFoundError('Scenario', id);
  if (ACTIVE_STATUSES.includes(row.status)) {
    throw new ConflictError(
      `The scenario is ${row.status}; cancel its run before you ${verb} it.`,
      { status: row.status },
    );
  }
  return row;
}

export async function updateScenario(
  sql: Sql,
  id: string,
  patch: ScenarioPatch,
  actor: Actor,
): Promise<Scenario> {
  return mapped(() =>
    sql.begin(async (tx) => {
      const current = await lockIdle(tx, id, 'edit');
      const changes: Record<string, postgres.ParameterOrJSON<never>> = {};
      if (patch.campaignId !== undefined) {
        const [c] = await tx<
          { archived: boolean }[]
        >`SELECT archived FROM campaigns WHERE id = ${patch.campaignId}`;
        if (!c) throw new NotFoundError('Campaign', patch.campaignId);
        changes.campaign_id = patch.campaignId;
      }
      if (patch.title !== undefined) changes.title = patch.title;
      if (patch.request !== undefined) changes.request = patch.request;
      if (patch.slug !== undefined) changes.slug = patch.slug;
      if (patch.complexity !== undefined) changes.complexity = patch.complexity;
      if (patch.category !== undefined) changes.category = patch.category;
      if (patch.targetFormat !== undefined) changes.target_format = patch.targetFormat;
      if (patch.archived !== undefined) changes.archived = patch.archived;
      if (patch.config !== undefined || patch.complexity !== undefined) {
        const base =
          patch.complexity && !patch.config
            ? iterationDefaults(await serverDefaults(tx))[patch.complexity]
            : current.config;
        changes.config = tx.json({ ...base, ...patch.config } as never);
      }
      const keys = Object.keys(changes);
      if (keys.length)
        await tx`UPDATE scenarios SET ${tx(changes, keys)}, updated_at = now() WHERE id = ${id}`;
      const action =
        patch.archived === true
          ? 'scenario.archive'
          : patch.archived === false
            ? 'scenario.unarchive'
            : 'scenario.update';
      await audit(tx, {
        actor,
        action,
        targetType: 'scenario',
        targetId: id,
        details: { fields: keys },
      });
      return getScenario(tx, id);
    }),
  );
}

export async function deleteScenario(sql: Sql, id: string, actor: Actor): Promise<void> {
  await mapped(() =>
    sql.begin(async (tx) => {
      const s = await lockIdle(tx, id, 'delete');
      await tx`UPDATE scenarios SET current_run_id = NULL WHERE id = ${id}`;
      await tx`DELETE FROM scenarios WHERE id = ${id}`;
      await audit(tx, {
        actor,
        action: 'scenario.delete',
        targetType: 'scenario',
        targetId: id,
        details: { title: s.title, campaignId: s.campaignId },
      });
    }),
  );
}
