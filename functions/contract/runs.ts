import * as v from 'valibot';
import {
  ARTIFACT_KINDS,
  PHASES,
  RUN_STATUSES,
  SEVERITIES,
  STEP_KINDS,
  STEP_STATUSES,
} from '../../core/domain.ts';
import { int, items, queryInt, queryStatuses, requiredText, timestamp, uuid } from './common.ts';

/**
 * Runs and what they produced: the timeline of steps, plan versions, bundles and their files,
 * validation results and agent sessions (/api/runs/…); the run actions (cancel, retry, rollback).
 */

const phase = v.picklist(PHASES, `must be ${PHASES.slice(0, -1).join(', ')} or ${PHASES.at(-1)}`);

/** POST /api/runs/:id/retry: start again from this phase, keeping the earlier phases' work. */
export const RetryInput = v.strictObject({ fromPhase: phase });
export type RetryInput = v.InferInput<typeof RetryInput>;

/** POST /api/scenarios/:id/rollback: redeploy this earlier bundle. */
export const RollbackInput = v.strictObject({ artifactId: uuid });
export type RollbackInput = v.InferInput<typeof RollbackInput>;

/** POST /api/scenarios/:id/change: change the deployed scenario as described (a new version). */
export const ChangeInput = v.strictObject({ request: requiredText(20000) });
export type ChangeInput = v.InferInput<typeof ChangeInput>;

/** GET /api/runs?limit=&status=. */
export const RunListQuery = v.strictObject({
  limit: v.optional(queryInt(1, 200)),
  status: v.optional(queryStatuses(RUN_STATUSES)),
});

/** One attempt of the pipeline for a scenario. */
export const Run = v.strictObject({
  id: uuid,
  scenarioId: uuid,
  campaignId: uuid,
  scenarioTitle: v.string(),
  number: int,
  status: v.picklist(RUN_STATUSES),
  phase: v.nullable(v.picklist(PHASES)),
  /** What started it: api, batch, webhook, cli, retry, rollback … */
  trigger: v.string(),
  fromPhase: v.nullable(v.picklist(PHASES)),
  parentRunId: v.nullable(uuid),
  /** The budget and iteration counts the run was started with. */
  config: v.record(v.string(), v.unknown()),
  failureClass: v.nullable(v.string()),
  error: v.nullable(v.string()),
  /** What the run learned (evidence level, timings …), for analytics. */
  facts: v.record(v.string(), v.unknown()),
  costUsd: v.number(),
  /** When a sleeping run wakes (after a usage limit). */
  wakeAt: v.nullable(timestamp),
  cancelRequestedAt: v.nullable(timestamp),
  createdBy: v.string(),
  createdAt: timestamp,
  startedAt: v.nullable(timestamp),
  finishedAt: v.nullable(timestamp),
});
export type Run = v.InferOutput<typeof Run>;

export const RunList = items(Run);
export type RunList = v.InferOutput<typeof RunList>;

/** One step of a run's timeline. */
export const RunStep = v.strictObject({
  stepKey: v.string(),
  phase: v.nullable(v.string()),
  iteration: v.nullable(int),
  name: v.string(),
  kind: v.picklist(STEP_KINDS),
  status: v.picklist(STEP_STATUSES),
  attempt: int,
  message: v.nullable(v.string()),
  wakeAt: v.nullable(timestamp),
  startedAt: timestamp,
  finishedAt: v.nullable(timestamp),
  durationMs: v.nullable(int),
});
export type RunStep = v.InferOutput<typeof RunStep>;

/** GET /api/runs/:id: the run with its timeline. */
export const RunDetail = v.strictObject({
  ...Run.entries,
  steps: v.array(RunStep),
  /** The phases a retry of this run can start at (the earlier phases' work is there to reuse). */
  resumableFrom: v.array(v.picklist(PHASES)),
  /** What the run used of its allowance (the config's planningIterations … are maxima). */
  used: v.strictObject({ plans: int, builds: int, fixes: int }),
});
export type RunDetail = v.InferOutput<typeof RunDetail>;

/** A scored plan version (the text is fetched on its own). */
export const PlanVersion = v.strictObject({
  id: uuid,
  runId: uuid,
  scenarioId: uuid,
  iteration: int,
  score: v.nullable(v.number()),
  /** Rubric scores by criterion (completeness, feasibility, clarity, risk); empty before scoring. */
  rubric: v.record(v.string(), v.number()),
  critique: v.string(),
  objectKey: v.string(),
  chosen: v.boolean(),
  createdAt: timestamp,
});
export type PlanVersion = v.InferOutput<typeof PlanVersion>;

export const PlanList = items(PlanVersion);
export type PlanList = v.InferOutput<typeof PlanList>;

/** GET /api/runs/:id/plans/:iteration. */
export const PlanText = v.strictObject({
  iteration: int,
  score: v.nullable(v.number()),
  text: v.string(),
});
export type PlanText = v.InferOutput<typeof PlanText>;

export const ArtifactFile = v.strictObject({
  path: v.string(),
  size: int,
  mode: int,
  sha256: v.string(),
});
export type ArtifactFile = v.InferOutput<typeof ArtifactFile>;

/** A phase's bundle of files, or the deployed archive. */
export const Artifact = v.strictObject({
  id: uuid,
  runId: uuid,
  scenarioId: uuid,
  phase: v.string(),
  iteration: int,
  kind: v.picklist(ARTIFACT_KINDS),
  objectKey: v.string(),
  manifest: v.array(ArtifactFile),
  fileCount: int,
  totalBytes: int,
  sha256: v.nullable(v.string()),
  createdAt: timestamp,
});
export type Artifact = v.InferOutput<typeof Artifact>;

export const ArtifactList = items(Artifact);
export type ArtifactList = v.InferOutput<typeof ArtifactList>;

/** One observation of a validator about the scenario. */
export const Finding = v.strictObject({
  severity: v.picklist(SEVERITIES),
  ruleId: v.string(),
  file: v.optional(v.string()),
  jsonPath: v.optional(v.string()),
  message: v.string(),
  hint: v.optional(v.string()),
  /** Stable across runs, for counting recurring problems. */
  signature: v.string(),
});
export type Finding = v.InferOutput<typeof Finding>;

/** One validation attempt of a run. */
export const Validation = v.strictObject({
  id: uuid,
  runId: uuid,
  scenarioId: uuid,
  phase: v.string(),
  validator: v.string(),
  profile: v.string(),
  attempt: int,
  passed: v.boolean(),
  errorCount: int,
  warningCount: int,
  findings: v.array(Finding),
  exitCode: v.nullable(int),
  rawOutputKey: v.nullable(v.string()),
  durationMs: v.nullable(int),
  createdAt: timestamp,
});
export type Validation = v.InferOutput<typeof Validation>;

export const ValidationList = items(Validation);
export type ValidationList = v.InferOutput<typeof ValidationList>;

/** One agent session of a run. */
export const Interaction = v.strictObject({
  id: uuid,
  sessionId: v.string(),
  runId: v.nullable(uuid),
  scenarioId: v.nullable(uuid),
  stepKey: v.nullable(v.string()),
  phase: v.nullable(v.string()),
  iteration: v.nullable(int),
  agent: v.string(),
  promptTemplate: v.string(),
  promptVersion: v.string(),
  model: v.nullable(v.string()),
  status: v.picklist(['running', 'finished']),
  /** The outcome class (success, not_authenticated, usage_limit, …) once finished. */
  outcome: v.nullable(v.string()),
  outcomeDetail: v.nullable(v.record(v.string(), v.unknown())),
  turns: v.nullable(int),
  inputTokens: v.nullable(int),
  outputTokens: v.nullable(int),
  cacheReadTokens: v.nullable(int),
  cacheCreationTokens: v.nullable(int),
  costUsd: v.nullable(v.number()),
  durationMs: v.nullable(int),
  /** Tool calls the agent's permissions refused (writes or reads outside its workspace). */
  permissionDenials: v.array(v.strictObject({ tool: v.string(), path: v.optional(v.string()) })),
  transcriptKey: v.nullable(v.string()),
  transcriptBytes: v.nullable(int),
  transcriptTruncated: v.boolean(),
  startedAt: timestamp,
  finishedAt: v.nullable(timestamp),
});
export type Interaction = v.InferOutput<typeof Interaction>;

export const InteractionList = items(Interaction);
export type InteractionList = v.InferOutput<typeof InteractionList>;

/** POST /api/scenarios/:id/archive/link: a short-lived signed URL of the deployed archive. */
export const ArchiveLink = v.strictObject({ url: v.string() });
export type ArchiveLink = v.InferOutput<typeof ArchiveLink>;
