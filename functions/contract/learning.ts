import * as v from 'valibot';
import { freeText, int, queryInt, requiredText, timestamp, uuid } from './common.ts';
import { complexity, targetFormat } from './scenarios.ts';

/**
 * The learning loop's API: the analytics page (/api/analytics/overview), recurring problems
 * (/api/analytics/problems) and the success forecast (POST /api/predictions). Success means a
 * scenario that ran: a succeeded run whose evidence is `ran` or `tested`; every success and
 * first-pass figure is split by evidence level.
 */

const maybe = v.nullable(v.number());

/** GET /api/analytics/overview?campaign=ID&days=N (a window of the last N days, default 90). */
export const OverviewQuery = v.strictObject({
  campaign: v.optional(uuid),
  days: v.optional(queryInt(1, 3650)),
});

/** Counts of one group of runs. `structure + ran + tested` succeeded; `ran + tested` succeeded for real. */
export const OutcomeCounts = v.strictObject({
  key: v.string(),
  label: v.string(),
  runs: int,
  cancelled: int,
  finished: int,
  failed: int,
  structure: int,
  ran: int,
  tested: int,
  /** (ran + tested) / finished, or null with nothing finished. */
  successRate: maybe,
  judged: int,
  firstPass: int,
  firstPassStructure: int,
  firstPassRan: int,
  firstPassTested: int,
  /** firstPass / judged. */
  firstPassRate: maybe,
  costUsd: v.number(),
  turns: int,
});
export type OutcomeCounts = v.InferOutput<typeof OutcomeCounts>;

const Spread = v.strictObject({ median: maybe, p95: maybe });
const ReliabilityBin = v.strictObject({ predicted: v.number(), observed: v.number(), n: int });

/** The forecast's calibration on its time split (null before there is enough history). */
export const Calibration = v.strictObject({
  brier: v.number(),
  baseBrier: v.number(),
  brierSkill: v.number(),
  trainRuns: int,
  testRuns: int,
  cutAt: timestamp,
  bins: v.array(ReliabilityBin),
});
export type Calibration = v.InferOutput<typeof Calibration>;

export const AnalyticsOverview = v.strictObject({
  window: v.strictObject({
    from: timestamp,
    to: timestamp,
    days: int,
    campaignId: v.nullable(uuid),
  }),
  totals: OutcomeCounts,
  weekly: v.array(OutcomeCounts),
  breakdowns: v.strictObject({
    campaign: v.array(OutcomeCounts),
    category: v.array(OutcomeCounts),
    complexity: v.array(OutcomeCounts),
    profile: v.array(OutcomeCounts),
    model: v.array(OutcomeCounts),
    promptVersion: v.array(OutcomeCounts),
    /** The agent that ran most of a run's sessions (claude-code, codex). */
    agent: v.array(OutcomeCounts),
  }),
  /** Median and p95 in ms: planning, implementing, validating, deploying, queue (wait), duration. */
  timings: v.array(v.strictObject({ name: v.string(), median: maybe, p95: maybe, n: int })),
  perScenario: v.strictObject({
    scenarios: int,
    cost: Spread,
    turns: Spread,
    top: v.array(
      v.strictObject({
        scenarioId: uuid,
        title: v.string(),
        runs: int,
        costUsd: v.number(),
        turns: int,
      }),
    ),
  }),
  sessions: v.array(v.strictObject({ outcome: v.string(), n: int })),
  calibration: v.nullable(Calibration),
});
export type AnalyticsOverview = v.InferOutput<typeof AnalyticsOverview>;

export const PROBLEM_STATUSES = ['new', 'recurring', 'resolved', 'regressed'] as const;

/** GET /api/analytics/problems?campaign=ID&limit=N. */
export const ProblemsQuery = v.strictObject({
  campaign: v.optional(uuid),
  limit: v.optional(queryInt(1, 500)),
});

export const RecurringProblem = v.strictObject({
  /** Versioned fingerprint of the signature (`v1:` + 16 hex digits). */
  fingerprint: v.string(),
  signature: v.string(),
  ruleId: v.nullable(v.string()),
  /** Where it was found: phase/validator. */
  stage: v.nullable(v.string()),
  description: v.string(),
  firstSeen: timestamp,
  lastSeen: timestamp,
  runsAffected: int,
  status: v.picklist(PROBLEM_STATUSES),
  /** Share of checked runs it affected in the last 28 days: Beta(1 + k, 1 + n − k). */
  rate: v.strictObject({ k: int, n: int, mean: v.number(), low: v.number(), high: v.number() }),
  /** P(last 14 days' rate > the 14 days' before); rising when > 0.95. */
  pRising: v.number(),
  rising: v.boolean(),
  examples: v.array(
    v.strictObject({
      runId: uuid,
      scenarioId: uuid,
      message: v.string(),
      file: v.optional(v.nullable(v.string())),
    }),
  ),
  exampleRuns: v.array(v.strictObject({ runId: uuid, scenarioId: uuid, seenAt: timestamp })),
});
export type RecurringProblem = v.InferOutput<typeof RecurringProblem>;

export const ProblemList = v.strictObject({
  items: v.array(RecurringProblem),
  /** Runs checked in the last 14 days and the 14 before. */
  checked: v.strictObject({ recent: int, previous: int }),
});
export type ProblemList = v.InferOutput<typeof ProblemList>;

/** POST /api/predictions: a draft request, before it runs. */
export const PredictionRequest = v.strictObject({
  campaignId: uuid,
  request: freeText(20000),
  category: v.optional(requiredText(100)),
  complexity: v.optional(complexity),
  targetFormat: v.optional(targetFormat),
  model: v.optional(freeText(100)),
  /** Resource names, when known; otherwise counted from the request text. */
  resources: v.optional(
    v.pipe(v.array(freeText(64)), v.maxLength(50, 'must list at most 50 resources')),
  ),
});
export type PredictionRequest = v.InferInput<typeof PredictionRequest>;

export const PREDICTION_BASES = ['model', 'base-rate', 'insufficient'] as const;

/**
 * The chance a run of this draft succeeds (runs and passes the runtime check), with a 95 %
 * interval; `base-rate` is the category's Beta-Binomial rate (under 50 runs, or no skill),
 * `insufficient` has no number at all.
 */
export const Prediction = v.strictObject({
  probability: maybe,
  interval: v.nullable(v.tuple([v.number(), v.number()])),
  basis: v.picklist(PREDICTION_BASES),
  brierSkill: maybe,
  n: int,
});
export type Prediction = v.InferOutput<typeof Prediction>;
