import * as v from 'valibot';
import { freeText, int, items, requiredText, timestamp, uuid } from './common.ts';
import { complexity } from './scenarios.ts';

/**
 * Prompt templates as versioned data (GET /api/prompts: every version, the incumbent, the
 * experiments with per-arm statistics), suggested changes a person approves or rejects, and
 * benchmark runs (a fixed set of requests through the real pipeline, with a report).
 */

const version = v.pipe(v.string(), v.regex(/^[0-9a-f]{12}$/, 'must be a 12-digit version'));
const maybe = v.nullable(v.number());

export const PromptVersionView = v.strictObject({
  template: v.string(),
  version: v.string(),
  body: v.string(),
  source: v.picklist(['file', 'suggestion']),
  parentVersion: v.nullable(v.string()),
  suggestionId: v.nullable(uuid),
  createdBy: v.string(),
  createdAt: timestamp,
});
export type PromptVersionView = v.InferOutput<typeof PromptVersionView>;

export const TemplateHistory = v.strictObject({
  name: v.string(),
  /** The version new runs use outside an experiment. */
  incumbent: v.string(),
  /** The version of the file in prompts/. */
  fileVersion: v.string(),
  /** Oldest first. */
  versions: v.array(PromptVersionView),
});

export const ArmView = v.strictObject({
  version: v.string(),
  incumbent: v.boolean(),
  n: int,
  successes: int,
  mean: v.number(),
  low: v.number(),
  high: v.number(),
  pBeatsIncumbent: maybe,
  verdict: v.picklist(['incumbent', 'helped', 'not enough data']),
});
export type ArmView = v.InferOutput<typeof ArmView>;

export const ExperimentView = v.strictObject({
  id: uuid,
  template: v.string(),
  incumbent: v.string(),
  status: v.picklist(['running', 'stopped']),
  pinned: v.nullable(v.string()),
  startedBy: v.string(),
  startedAt: timestamp,
  stoppedAt: v.nullable(timestamp),
  promoted: v.nullable(v.string()),
  arms: v.array(ArmView),
});
export type ExperimentView = v.InferOutput<typeof ExperimentView>;

export const PromptsOverview = v.strictObject({
  templates: v.array(TemplateHistory),
  experiments: v.array(ExperimentView),
});
export type PromptsOverview = v.InferOutput<typeof PromptsOverview>;

export const SuggestionView = v.strictObject({
  id: uuid,
  fingerprint: v.string(),
  signature: v.string(),
  template: v.string(),
  baseVersion: v.string(),
  /** The text the change applies to (null when that version is no longer known). */
  baseBody: v.nullable(v.string()),
  section: v.string(),
  proposedBody: v.nullable(v.string()),
  rationale: v.string(),
  status: v.picklist(['proposing', 'pending', 'approved', 'rejected', 'failed']),
  error: v.nullable(v.string()),
  version: v.nullable(v.string()),
  createdBy: v.string(),
  createdAt: timestamp,
  decidedBy: v.nullable(v.string()),
  decidedAt: v.nullable(timestamp),
});
export type SuggestionView = v.InferOutput<typeof SuggestionView>;
export const SuggestionList = items(SuggestionView);
export type SuggestionList = v.InferOutput<typeof SuggestionList>;

/** POST /api/prompts/suggestions: a suggestion for the recurring problem with this fingerprint. */
export const SuggestionRequest = v.strictObject({
  fingerprint: v.pipe(v.string(), v.regex(/^v\d+:[0-9a-f]{1,64}$/, 'must be a fingerprint')),
});

/** POST /api/prompts/experiments/:id/pin: every new run uses `version` (null: draw again). */
export const PinRequest = v.strictObject({ version: v.nullable(version) });

/** POST /api/prompts/experiments/:id/stop: stop, and make `promote` the incumbent when given. */
export const StopRequest = v.strictObject({ promote: v.optional(v.nullable(version)) });

export const BenchmarkItem = v.strictObject({
  title: requiredText(200),
  request: requiredText(20000),
  category: requiredText(100),
  complexity,
});
export type BenchmarkItem = v.InferOutput<typeof BenchmarkItem>;

/** POST /api/benchmarks: run these requests (a campaign of their own), maybe pinned to a version. */
export const BenchmarkRequest = v.strictObject({
  label: v.optional(freeText(200)),
  promptVersion: v.optional(version),
  requests: v.pipe(v.array(BenchmarkItem), v.minLength(1), v.maxLength(200)),
});
export type BenchmarkRequest = v.InferInput<typeof BenchmarkRequest>;

const Spread = v.strictObject({ median: maybe, p95: maybe });

export const BenchmarkReport = v.strictObject({
  runs: int,
  finished: int,
  /** Succeeded with evidence ran or tested, over finished runs. */
  successRate: maybe,
  byEvidence: v.strictObject({
    structure: int,
    ran: int,
    tested: int,
    failed: int,
    cancelled: int,
  }),
  firstPass: v.strictObject({ judged: int, passed: int, rate: maybe }),
  durationMs: Spread,
  costUsd: v.strictObject({ total: v.number(), perRun: maybe }),
  turns: v.strictObject({ total: int, perRun: maybe }),
  topSignatures: v.array(
    v.strictObject({ fingerprint: v.string(), signature: v.string(), runs: int }),
  ),
});
export type BenchmarkReport = v.InferOutput<typeof BenchmarkReport>;

export const BenchmarkView = v.strictObject({
  id: uuid,
  label: v.string(),
  campaignId: uuid,
  promptTemplate: v.nullable(v.string()),
  promptVersion: v.nullable(v.string()),
  requests: int,
  demoModel: v.boolean(),
  createdBy: v.string(),
  createdAt: timestamp,
  finishedAt: v.nullable(timestamp),
  report: BenchmarkReport,
});
export type BenchmarkView = v.InferOutput<typeof BenchmarkView>;
export const BenchmarkList = items(BenchmarkView);
export type BenchmarkList = v.InferOutput<typeof BenchmarkList>;
