import * as v from 'valibot';
import { AGENT_NAMES, COMPLEXITIES } from '../../core/domain.ts';
import { SECRET_NAMES } from '../../core/secrets/names.ts';
import { ModelName } from '../../core/model-name.ts';
import { capUsd } from './campaigns.ts';
import { int, timestamp, uuid } from './common.ts';
import { GenerationConfig, GenerationConfigInput } from './scenarios.ts';

/**
 * Server settings (/api/settings), the target formats (/api/profiles) and the success metrics
 * (/api/analytics).
 */

const range = (min: number, max: number, integer = true) => {
  const msg = `must be a ${integer ? 'whole number' : 'number'} from ${min} to ${max}`;
  return v.optional(
    v.pipe(
      v.number(msg),
      v.check((n) => !integer || Number.isInteger(n), msg),
      v.minValue(min, msg),
      v.maxValue(max, msg),
    ),
  );
};
const budgetPatch = v.strictObject({
  maxTurns: range(1, 200),
  maxBudgetUsd: range(0.01, 50, false),
  timeoutMs: range(10_000, 4 * 3_600_000),
  idleTimeoutMs: range(5_000, 3_600_000),
});

/** One schema per complexity, all required (responses) or all optional (patches). */
const byComplexity = <S extends v.GenericSchema>(schema: S) =>
  v.strictObject({ simple: schema, intermediate: schema, advanced: schema }) satisfies {
    entries: Record<(typeof COMPLEXITIES)[number], S>;
  };

const iterationsPatch = v.pick(GenerationConfigInput, [
  'planningIterations',
  'implementationIterations',
  'validationFixes',
]);

/**
 * PATCH /api/settings: change some of the session budgets, the defaults of new scenarios and
 * runs (format, model, iterations per complexity, usage-limit back-off) and the concurrency
 * (which takes effect at the next start).
 */
export const SettingsPatch = v.pipe(
  v.strictObject({
    budgets: v.optional(byComplexity(v.optional(budgetPatch))),
    defaults: v.optional(
      v.strictObject({
        profile: v.optional(v.pipe(v.string('must be text'), v.nonEmpty('must not be empty'))),
        model: v.optional(ModelName),
        agent: v.optional(v.picklist(AGENT_NAMES, `must be one of ${AGENT_NAMES.join(', ')}`)),
        iterations: v.optional(byComplexity(v.optional(iterationsPatch))),
        usageLimitBackoffMs: range(60_000, 24 * 3_600_000),
      }),
    ),
    concurrency: v.optional(v.strictObject({ global: range(1, 64), perCampaign: range(1, 64) })),
    /** Spending caps in USD (null: none); a campaign's own cap is set on the campaign. */
    spendCaps: v.optional(
      v.strictObject({ runUsd: v.optional(capUsd), dailyUsd: v.optional(capUsd) }),
    ),
  }),
  v.check((o) => Object.keys(o).length > 0, 'must change at least one setting'),
);
export type SettingsPatch = v.InferInput<typeof SettingsPatch>;

/** Limits of one agent session. */
export const SessionBudget = v.strictObject({
  maxTurns: int,
  maxBudgetUsd: v.number(),
  timeoutMs: int,
  idleTimeoutMs: int,
});
export type SessionBudget = v.InferOutput<typeof SessionBudget>;

/** Where a secret setting's value came from (never the value). */
export const SECRET_SOURCES = ['env', 'file', 'vault', 'unset'] as const;
export type SecretSource = (typeof SECRET_SOURCES)[number];

export const Settings = v.strictObject({
  defaults: v.strictObject({
    profile: v.string(),
    model: v.string(),
    /** The agent of runs whose scenario and campaign name none. */
    agent: v.picklist(AGENT_NAMES),
    iterations: byComplexity(GenerationConfig),
    /** How long a run sleeps after a usage limit that came without a reset time. */
    usageLimitBackoffMs: int,
  }),
  budgets: byComplexity(SessionBudget),
  /** How many runs at once, in all and per campaign; a change takes effect at the next start. */
  concurrency: v.strictObject({ global: int, perCampaign: int, restartNeeded: v.boolean() }),
  /** What one run, and all runs in a day (UTC), may spend; null: no cap. */
  spendCaps: v.strictObject({ runUsd: v.nullable(v.number()), dailyUsd: v.nullable(v.number()) }),
  deploy: v.strictObject({ target: v.string(), externalValidator: v.boolean() }),
  secrets: v.array(
    v.strictObject({ name: v.picklist(SECRET_NAMES), source: v.picklist(SECRET_SOURCES) }),
  ),
  /** The prompt templates with their versions (read-only). */
  templates: v.array(
    v.strictObject({
      name: v.string(),
      version: v.string(),
      placeholders: v.array(v.string()),
      text: v.string(),
    }),
  ),
});
export type Settings = v.InferOutput<typeof Settings>;

/** GET /api/profiles: the target formats the validator knows, and the default. */
export const Profiles = v.strictObject({
  items: v.array(v.strictObject({ id: v.string(), version: v.string(), description: v.string() })),
  default: v.string(),
});
export type Profiles = v.InferOutput<typeof Profiles>;
export type Profile = Profiles['items'][number];

/** GET /api/analytics?campaign=ID. */
export const AnalyticsQuery = v.strictObject({ campaign: v.optional(uuid) });

const nullableNumber = v.nullable(v.number());

/** Success metrics, recent runs' performance and the most frequent error patterns. */
export const Analytics = v.strictObject({
  summary: v.strictObject({
    runs: int,
    succeeded: int,
    failed: int,
    cancelled: int,
    /** Percent of finished runs that succeeded. */
    successRate: nullableNumber,
    /** Percent of judged runs whose first validation passed. */
    firstPassRate: nullableNumber,
    costUsd: v.number(),
    medianDurationMs: nullableNumber,
  }),
  failures: v.array(v.strictObject({ failureClass: v.string(), n: int })),
  patterns: v.array(
    v.strictObject({
      signature: v.string(),
      ruleId: v.nullable(v.string()),
      phase: v.nullable(v.string()),
      description: v.string(),
      occurrences: int,
      firstSeen: timestamp,
      lastSeen: timestamp,
    }),
  ),
  recent: v.array(
    v.strictObject({
      runId: uuid,
      scenarioId: uuid,
      campaignId: uuid,
      complexity: v.string(),
      status: v.string(),
      failureClass: v.nullable(v.string()),
      durationMs: nullableNumber,
      sessions: int,
      turns: int,
      tokens: int,
      costUsd: v.number(),
      firstPassValid: v.nullable(v.boolean()),
      createdAt: timestamp,
    }),
  ),
});
export type Analytics = v.InferOutput<typeof Analytics>;
