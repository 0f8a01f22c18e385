import type postgres from 'postgres';
import type { AgentName, CampaignIcon } from '../core/domain.ts';
import { NotFoundError, ConflictError } from '../core/errors.ts';
import { audit, type Actor } from './audit.ts';
import type { Db, Sql } from './client.ts';
import { mapped } from './errors.ts';

/** A campaign with its success metrics (from the campaign_metrics view). */
export interface Campaign {
  id: string;
  name: string;
  description: string;
  color: string;
  /** Checked on the way in (the API), so a row holds one the site can draw. */
  icon: CampaignIcon;
  client: string | null;
  category: string | null;
  defaultAgent: AgentName | null;
  /** What its runs may spend in all (USD); null: no cap. */
  budgetUsd: number | null;
  archived: boolean;
  createdAt: Date;
  updatedAt: Date;
  scenarioCount: number;
  deployedCount: number;
  failedCount: number;
  activeCount: number;
  successRate: number | null;
  costUsd: number;
}

export interface CampaignInput {
  name: string;
  description?: string;
  color?: string;
  icon?: string;
  client?: string | null;
  category?: string | null;
  defaultAgent?: AgentName | null;
  budgetUsd?: number | null;
}

export type CampaignPatch = Partial<CampaignInput> & { archived?: boolean };

const select = (db: Db) => db`
  SELECT c.id, c.name, c.description, c.color, c.icon, c.client, c.category,
         c.default_agent AS "defaultAgent", c.budget_usd::float8 AS "budgetUsd", c.archived,
         c.created_at AS "createdAt", c.updated_at AS "updatedAt",
         m.scenario_count::int AS "scenarioCount", m.deployed_count::int AS "deployedCount",
         m.failed_count::int AS "failedCount", m.active_count::int AS "activeCount",
         m.success_rate AS "successRate", m.cost_usd AS "costUsd"
    FROM campaigns c JOIN campaign_metrics m ON m.campaign_id = c.id`;

/** Lists campaigns, oldest first (tabs keep their order). */
export async function listCampaigns(
  db: Db,
  opts: { archived?: boolean | 'all' } = {},
): Promise<Campaign[]> {
  const archived = opts.archived ?? false;
  return db<Campaign[]>`
    ${select(db)}
    WHERE ${archived === 'all' ? db`true` : db`c.archived = ${archived}`}
    ORDER BY c.created_at, c.id`;
}

export async function getCampaign(db: Db, id: string): Promise<Campaign> {
  const [row] = await db<Campaign[]>`${select(db)} WHERE c.id = ${id}`;
  if (!row) throw new NotFoundError('Campaign', id);
  return row;
}

export async function createCampaign(
  sql: Sql,
  input: CampaignInput,
  actor: Actor,
): Promise<Campaign> {
  return mapped(() =>
    sql.begin(async (tx) => {
      const [row] = await tx<{ id: string }[]>`
        INSERT INTO campaigns (name, description, color, icon, client, category, default_agent, budget_usd, created_by)
        VALUES (${input.name}, ${input.description ?? ''}, ${input.color ?? 'blue'}, ${input.icon ?? 'folder'},
                ${input.client ?? null}, ${input.category ?? null}, ${input.defaultAgent ?? null}, ${input.budgetUsd ?? null}, ${actor})
        RETURNING id`;
      await audit(tx, {
        actor,
        action: 'campaign.create',
        targetType: 'campaign',
        targetId: row!.id,
        details: { name: input.name },
      });
      return getCampaign(tx, row!.id);
    }),
  );
}

const COLUMNS = [
  'name',
  'description',
  'color',
  'icon',
  'client',
  'category',
  'defaultAgent',
  'budgetUsd',
  'archived',
] as const;
/** Column names where they differ from the field names. */
const COLUMN_OF: Partial<Record<(typeof COLUMNS)[number], string>> = {
  defaultAgent: 'default_agent',
  budgetUsd: 'budget_usd',
};

export async function updateCampaign(
  sql: Sql,
  id: string,
  patch: CampaignPatch,
  actor: Actor,
): Promise<Campaign> {
  const changes: Record<string, postgres.ParameterOrJSON<never>> = {};
  for (const k of COLUMNS)
    if (patch[k] !== undefined) changes[COLUMN_OF[k] ?? k] = patch[k] ?? null;
  return mapped(() =>
    sql.begin(async (tx) => {
      const keys = Object.keys(changes);
      const rows = keys.length
        ? await tx`UPDATE campaigns SET ${tx(changes, keys)}, updated_at = now() WHERE id = ${id} RETURNING id`
        : await tx`SELECT id FROM campaigns WHERE id = ${id}`;
      if (!rows.length) throw new NotFoundError('Campaign', id);
      const action =
        patch.archived === true
          ? 'campaign.archive'
          : patch.archived === false
            ? 'campaign.unarchive'
            : 'campaign.update';
      await audit(tx, {
        actor,
        action,
        targetType: 'campaign',
        targetId: id,
        details: { changes },
      });
      return getCampaign(tx, id);
    }),
  );
}

/** Deletes an empty campaign; one that still holds scenarios is a conflict (archive it instead). */
export async function deleteCampaign(sql: Sql, id: string, actor: Actor): Promise<void> {
  await mapped(() =>
    sql.begin(async (tx) => {
      const [c] = await tx<{ n: number }[]>`
        SELECT (SELECT count(*)::int FROM scenarios s WHERE s.campaign_id = c.id) AS n
          FROM campaigns c WHERE c.id = ${id} FOR UPDATE`;
      if (!c) throw new NotFoundError('Campaign', id);
      if (c.n > 0)
        throw new ConflictError(
          `The campaign still holds ${c.n} scenario(s); archive it or delete them first.`,
        );
      await tx`DELETE FROM campaigns WHERE id = ${id}`;
      await audit(tx, { actor, action: 'campaign.delete', targetType: 'campaign', targetId: id });
    }),
  );
}
