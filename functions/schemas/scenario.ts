import * as v from 'valibot';
import {
  BUDGET_LIMITS,
  COMPLEXITIES,
  ITERATION_LIMITS,
  SCENARIO_STATUSES,
} from '../../core/domain.ts';
import { ModelName } from '../../core/model-name.ts';
import { SORTS } from '../../db/scenarios.ts';
import { freeText, kebab, queryBool, queryInt, requiredText, uuid } from './common.ts';

const iterations = v.pipe(
  v.number('must be a number'),
  v.integer('must be a whole number'),
  v.minValue(
    ITERATION_LIMITS.min,
    `must be from ${ITERATION_LIMITS.min} to ${ITERATION_LIMITS.max}`,
  ),
  v.maxValue(
    ITERATION_LIMITS.max,
    `must be from ${ITERATION_LIMITS.min} to ${ITERATION_LIMITS.max}`,
  ),
);

export const GenerationConfigInput = v.strictObject({
  planningIterations: v.optional(iterations),
  implementationIterations: v.optional(iterations),
  validationFixes: v.optional(iterations),
  model: v.optional(ModelName),
  maxBudgetUsd: v.optional(
    v.pipe(
      v.number('must be a number'),
      v.minValue(0.01, 'must be at least 0.01'),
      v.maxValue(BUDGET_LIMITS.maxBudgetUsd, `must be at most ${BUDGET_LIMITS.maxBudgetUsd}`),
    ),
  ),
  maxTurns: v.optional(
    v.pipe(
      v.number('must be a number'),
      v.integer('must be a whole number'),
      v.minValue(1, 'must be at least 1'),
      v.maxValue(BUDGET_LIMITS.maxTurns, `must be at most ${BUDGET_LIMITS.maxTurns}`),
    ),
  ),
});

const complexity = v.picklist(COMPLEXITIES, `must be one of ${COMPLEXITIES.join(', ')}`);
/** Known target formats; the validator's profile registry is the source of truth at run time. */
export const targetFormat = v.pipe(
  v.string('must be a string'),
  v.regex(/^[a-z0-9][a-z0-9.-]{0,63}$/, 'must be a profile id such as vrooli-2025-08-07'),
);

export const ScenarioCreate = v.strictObject({
  campaignId: uuid,
  title: requiredText(200),
  request: requiredText(20000),
  slug: v.optional(kebab(64)),
  complexity: v.optional(complexity),
  category: v.optional(requiredText(100)),
  targetFormat: v.optional(targetFormat),
  config: v.optional(GenerationConfigInput),
});

export const ScenarioPatch = v.pipe(
  v.strictObject({
    campaignId: v.optional(uuid),
    title: v.optional(requiredText(200)),
    request: v.optional(requiredText(20000)),
    slug: v.optional(kebab(64)),
    complexity: v.optional(complexity),
    category: v.optional(requiredText(100)),
    targetFormat: v.optional(targetFormat),
    config: v.optional(GenerationConfigInput),
    archived: v.optional(v.boolean('must be true or false')),
  }),
  v.check((o) => Object.keys(o).length > 0, 'must change at least one field'),
);

const statusList = v.pipe(
  v.string(),
  v.transform((s) => s.split(',').filter(Boolean)),
  v.array(v.picklist(SCENARIO_STATUSES, `must be statuses from ${SCENARIO_STATUSES.join(', ')}`)),
);

export const ScenarioListQuery = v.strictObject({
  campaign: v.optional(uuid),
  status: v.optional(statusList),
  archived: v.optional(v.union([queryBool, v.literal('all')], 'must be true, false or all')),
  q: v.optional(freeText(200)),
  sort: v.optional(v.picklist(SORTS, `must be one of ${SORTS.join(', ')}`)),
  limit: v.optional(queryInt(1, 200)),
  offset: v.optional(queryInt(0, 1_000_000)),
});

export const BATCH_ACTIONS = ['generate', 'cancel', 'archive', 'unarchive', 'delete'] as const;

export const BatchInput = v.strictObject({
  ids: v.pipe(
    v.array(uuid, 'must be an array of UUIDs'),
    v.minLength(1, 'must name at least one scenario'),
    v.maxLength(200, 'must name at most 200 scenarios'),
  ),
  action: v.picklist(BATCH_ACTIONS, `must be one of ${BATCH_ACTIONS.join(', ')}`),
});
