import * as v from 'valibot';
import {
  AGENT_NAMES,
  BUDGET_LIMITS,
  COMPLEXITIES,
  EVIDENCE_LEVELS,
  ITERATION_LIMITS,
  PHASES,
  SCENARIO_SORTS,
  SCENARIO_STATUSES,
} from '../../core/domain.ts';
import { ModelName } from '../../core/model-name.ts';
import {
  freeText,
  int,
  kebab,
  queryBool,
  queryInt,
  queryStatuses,
  requiredText,
  timestamp,
  uuid,
} from './common.ts';
import { Run } from './runs.ts';

/** Scenarios: requests for one generated app, with their live status (/api/scenarios). */

const iterationMsg = `must be from ${ITERATION_LIMITS.min} to ${ITERATION_LIMITS.max}`;
const iterations = v.pipe(
  v.number('must be a number'),
  v.integer('must be a whole number'),
  v.minValue(ITERATION_LIMITS.min, iterationMsg),
  v.maxValue(ITERATION_LIMITS.max, iterationMsg),
);

/** What a scenario asks of its runs; every field optional (defaults by complexity). */
export const GenerationConfigInput = v.strictObject({
  planningIterations: v.optional(iterations),
  implementationIterations: v.optional(iterations),
  validationFixes: v.optional(iterations),
  agent: v.optional(v.picklist(AGENT_NAMES, `must be one of ${AGENT_NAMES.join(', ')}`)),
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

export const complexity = v.picklist(COMPLEXITIES, `must be one of ${COMPLEXITIES.join(', ')}`);

/** A target format id; the validator's profile registry decides at run time which exist. */
export const targetFormat = v.pipe(
  v.string('must be a string'),
  v.regex(/^[a-z0-9][a-z0-9.-]{0,63}$/, 'must be a profile id such as vrooli-2025-08-07'),
);

/** POST /api/scenarios. */
export const ScenarioCreate = v.strictObject({
  campaignId: uuid,
  /** Derived from the request when left out (a short, human title). */
  title: v.optional(requiredText(200)),
  request: requiredText(20000),
  slug: v.optional(kebab(64)),
  complexity: v.optional(complexity),
  category: v.optional(requiredText(100)),
  targetFormat: v.optional(targetFormat),
  config: v.optional(GenerationConfigInput),
});
export type ScenarioCreate = v.InferInput<typeof ScenarioCreate>;

/** PATCH /api/scenarios/:id. */
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
export type ScenarioPatch = v.InferInput<typeof ScenarioPatch>;

/** Where a run was started from, as its trigger records it. */
export const RUN_SOURCES = ['api', 'cli', 'dashboard'] as const;

/** POST /api/scenarios/:id/generate (the body is optional). */
export const GenerateInput = v.strictObject({
  via: v.optional(v.picklist(RUN_SOURCES, `must be one of ${RUN_SOURCES.join(', ')}`)),
});
export type GenerateInput = v.InferInput<typeof GenerateInput>;

/** GET /api/scenarios: filter, search, sort and page. */
export const ScenarioListQuery = v.strictObject({
  campaign: v.optional(uuid),
  status: v.optional(queryStatuses(SCENARIO_STATUSES)),
  archived: v.optional(v.union([queryBool, v.literal('all')], 'must be true, false or all')),
  q: v.optional(freeText(200)),
  sort: v.optional(v.picklist(SCENARIO_SORTS, `must be one of ${SCENARIO_SORTS.join(', ')}`)),
  limit: v.optional(queryInt(1, 200)),
  offset: v.optional(queryInt(0, 1_000_000)),
});

export const BATCH_ACTIONS = ['generate', 'cancel', 'archive', 'unarchive', 'delete'] as const;
export type BatchAction = (typeof BATCH_ACTIONS)[number];

/** POST /api/scenarios/batch. */
export const BatchInput = v.strictObject({
  ids: v.pipe(
    v.array(uuid, 'must be an array of UUIDs'),
    v.minLength(1, 'must name at least one scenario'),
    v.maxLength(200, 'must name at most 200 scenarios'),
  ),
  action: v.picklist(BATCH_ACTIONS, `must be one of ${BATCH_ACTIONS.join(', ')}`),
});
export type BatchInput = v.InferInput<typeof BatchInput>;

/** The iteration counts and limits a scenario's runs use. */
export const GenerationConfig = v.strictObject({
  planningIterations: int,
  implementationIterations: int,
  validationFixes: int,
  model: v.optional(v.string()),
  maxBudgetUsd: v.optional(v.number()),
  maxTurns: v.optional(int),
});
export type GenerationConfig = v.InferOutput<typeof GenerationConfig>;

export const Scenario = v.strictObject({
  id: uuid,
  campaignId: uuid,
  slug: v.string(),
  title: v.string(),
  request: v.string(),
  complexity: v.picklist(COMPLEXITIES),
  category: v.string(),
  targetFormat: v.string(),
  config: GenerationConfig,
  status: v.picklist(SCENARIO_STATUSES),
  phase: v.nullable(v.picklist(PHASES)),
  iteration: int,
  /** 0–100. */
  progress: v.number(),
  currentRunId: v.nullable(uuid),
  costUsd: v.number(),
  lastAction: v.nullable(v.string()),
  error: v.nullable(v.string()),
  archived: v.boolean(),
  /** The sequence number of the scenario's latest progress event. */
  eventSeq: int,
  createdAt: timestamp,
  updatedAt: timestamp,
  startedAt: v.nullable(timestamp),
  finishedAt: v.nullable(timestamp),
  deployedAt: v.nullable(timestamp),
  /** Cost of every run of the scenario; `costUsd` is the current run's. */
  totalCostUsd: v.number(),
  /** Evidence level of the latest deployed run (structure < ran < tested); null: never deployed. */
  evidence: v.nullable(v.picklist(EVIDENCE_LEVELS)),
});
export type Scenario = v.InferOutput<typeof Scenario>;

/** A page of the scenario list, with the total that matched. */
export const ScenarioPage = v.strictObject({
  items: v.array(Scenario),
  total: int,
  limit: int,
  offset: int,
});
export type ScenarioPage = v.InferOutput<typeof ScenarioPage>;

/** One scenario's outcome in a batch: what the action returned, or why it was refused. */
export const BatchItemResult = v.strictObject({
  id: uuid,
  ok: v.boolean(),
  result: v.optional(v.union([Scenario, Run, v.null()])),
  error: v.optional(v.strictObject({ status: int, code: v.string(), detail: v.string() })),
});
export type BatchItemResult = v.InferOutput<typeof BatchItemResult>;

export const BatchResult = v.strictObject({
  action: v.picklist(BATCH_ACTIONS),
  results: v.array(BatchItemResult),
});
export type BatchResult = v.InferOutput<typeof BatchResult>;
