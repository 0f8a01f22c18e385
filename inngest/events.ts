import * as v from 'valibot';

/**
 * The pipeline's events and their data schemas. Event data carries ids only: everything else is
 * read from Postgres by the step that needs it, so an event can be replayed safely.
 */
export const GENERATION_REQUESTED = 'scenario/generation.requested';
export const RUN_CANCEL = 'scenario/run.cancel';
export const PLAN_REQUESTED = 'scenario/plan.requested';
export const BUILD_REQUESTED = 'scenario/build.requested';
export const VALIDATE_REQUESTED = 'scenario/validate.requested';
export const DEPLOY_REQUESTED = 'scenario/deploy.requested';
export const SUGGESTION_REQUESTED = 'prompt/suggestion.requested';

export const PHASE = v.picklist(['planning', 'implementing', 'validating', 'deploying']);

export const RunRef = v.object({
  runId: v.pipe(v.string(), v.uuid()),
  scenarioId: v.pipe(v.string(), v.uuid()),
  campaignId: v.pipe(v.string(), v.uuid()),
});
export type RunRef = v.InferOutput<typeof RunRef>;

export const GenerationRequested = v.object({
  ...RunRef.entries,
  /** Start from this phase, restoring earlier phases' results from `sourceRunId`. */
  fromPhase: v.optional(PHASE),
  sourceRunId: v.optional(v.pipe(v.string(), v.uuid())),
  /** Rollback: validate (without fixes) and deploy exactly this bundle. */
  deployBundleKey: v.optional(v.string()),
});
export type GenerationRequested = v.InferOutput<typeof GenerationRequested>;

export const BuildRequested = v.object({ ...RunRef.entries, planKey: v.string() });
export type BuildRequested = v.InferOutput<typeof BuildRequested>;

export const BundleRequested = v.object({
  ...RunRef.entries,
  bundleKey: v.string(),
  maxFixes: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
});
export type BundleRequested = v.InferOutput<typeof BundleRequested>;

export const RunCancel = v.object({ runId: v.pipe(v.string(), v.uuid()) });

/** A suggestion (`proposing`) whose plan-only session is to run (inngest/suggest.ts). */
export const SuggestionRequested = v.object({ suggestionId: v.pipe(v.string(), v.uuid()) });
export type SuggestionRequested = v.InferOutput<typeof SuggestionRequested>;
