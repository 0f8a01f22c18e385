import * as v from 'valibot';
import { AGENT_NAMES, CAMPAIGN_COLORS, CAMPAIGN_ICONS } from '../../core/domain.ts';
import { freeText, int, items, queryBool, requiredText, timestamp, uuid } from './common.ts';

/** Campaigns: groups of scenarios with their success metrics (/api/campaigns). */

const color = v.union(
  [v.picklist(CAMPAIGN_COLORS), v.pipe(v.string(), v.regex(/^#[0-9a-fA-F]{6}$/))],
  `must be one of ${CAMPAIGN_COLORS.join(', ')} or a #rrggbb colour`,
);
const icon = v.picklist(CAMPAIGN_ICONS, `must be one of ${CAMPAIGN_ICONS.join(', ')}`);
const optionalText = (max: number) => v.optional(v.nullable(freeText(max)));
const agentName = v.picklist(AGENT_NAMES, `must be one of ${AGENT_NAMES.join(', ')}`);
/** A spending cap in USD; null: none. */
export const capUsd = v.nullable(
  v.pipe(
    v.number('must be a number'),
    v.minValue(0.01, 'must be at least 0.01'),
    v.maxValue(100_000, 'must be at most 100000'),
  ),
);

/** POST /api/campaigns. */
export const CampaignCreate = v.strictObject({
  name: requiredText(200),
  description: v.optional(freeText(5000)),
  color: v.optional(color),
  icon: v.optional(icon),
  client: optionalText(200),
  category: optionalText(100),
  /** The agent its runs use unless their scenario names one; null: the AGENT setting. */
  defaultAgent: v.optional(v.nullable(agentName)),
  /** What its runs may spend in all (USD); runs pause at a step boundary when it is reached. */
  budgetUsd: v.optional(capUsd),
});
export type CampaignCreate = v.InferInput<typeof CampaignCreate>;

/** PATCH /api/campaigns/:id. */
export const CampaignPatch = v.pipe(
  v.strictObject({
    name: v.optional(requiredText(200)),
    description: v.optional(freeText(5000)),
    color: v.optional(color),
    icon: v.optional(icon),
    client: optionalText(200),
    category: optionalText(100),
    defaultAgent: v.optional(v.nullable(agentName)),
    budgetUsd: v.optional(capUsd),
    archived: v.optional(v.boolean('must be true or false')),
  }),
  v.check((o) => Object.keys(o).length > 0, 'must change at least one field'),
);
export type CampaignPatch = v.InferInput<typeof CampaignPatch>;

/** GET /api/campaigns?archived=true|false|all. */
export const CampaignListQuery = v.strictObject({
  archived: v.optional(v.union([queryBool, v.literal('all')], 'must be true, false or all')),
});

/** A campaign with its metrics. */
export const Campaign = v.strictObject({
  id: uuid,
  name: v.string(),
  description: v.string(),
  /** One of CAMPAIGN_COLORS or #rrggbb. */
  color: v.string(),
  icon: v.picklist(CAMPAIGN_ICONS),
  client: v.nullable(v.string()),
  category: v.nullable(v.string()),
  defaultAgent: v.nullable(v.picklist(AGENT_NAMES)),
  budgetUsd: v.nullable(v.number()),
  archived: v.boolean(),
  createdAt: timestamp,
  updatedAt: timestamp,
  scenarioCount: int,
  deployedCount: int,
  failedCount: int,
  activeCount: int,
  /** Percent of finished scenarios that deployed; null before any finished. */
  successRate: v.nullable(v.number()),
  costUsd: v.number(),
});
export type Campaign = v.InferOutput<typeof Campaign>;

export const CampaignList = items(Campaign);
export type CampaignList = v.InferOutput<typeof CampaignList>;
