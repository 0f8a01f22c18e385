import * as v from 'valibot';
import { freeText, queryBool, requiredText } from './common.ts';

/** Campaign colours the site knows how to draw (or any #rrggbb). */
export const CAMPAIGN_COLORS = [
  'blue',
  'purple',
  'green',
  'orange',
  'red',
  'teal',
  'pink',
  'gray',
  'yellow',
] as const;
/** Campaign icons the site knows how to draw. */
export const CAMPAIGN_ICONS = [
  'folder',
  'headset',
  'edit',
  'file-text',
  'tool',
  'activity',
  'rocket',
  'star',
  'box',
  'zap',
  'globe',
  'cpu',
] as const;

const color = v.union(
  [v.picklist(CAMPAIGN_COLORS), v.pipe(v.string(), v.regex(/^#[0-9a-fA-F]{6}$/))],
  `must be one of ${CAMPAIGN_COLORS.join(', ')} or a #rrggbb colour`,
);
const icon = v.picklist(CAMPAIGN_ICONS, `must be one of ${CAMPAIGN_ICONS.join(', ')}`);
const optionalText = (max: number) => v.optional(v.nullable(freeText(max)));

export const CampaignCreate = v.strictObject({
  name: requiredText(200),
  description: v.optional(freeText(5000)),
  color: v.optional(color),
  icon: v.optional(icon),
  client: optionalText(200),
  category: optionalText(100),
});

export const CampaignPatch = v.pipe(
  v.strictObject({
    name: v.optional(requiredText(200)),
    description: v.optional(freeText(5000)),
    color: v.optional(color),
    icon: v.optional(icon),
    client: optionalText(200),
    category: optionalText(100),
    archived: v.optional(v.boolean('must be true or false')),
  }),
  v.check((o) => Object.keys(o).length > 0, 'must change at least one field'),
);

export const CampaignListQuery = v.strictObject({
  archived: v.optional(v.union([queryBool, v.literal('all')], 'must be true, false or all')),
});
