import type { RunAs } from '../boundary/identity.ts';
import type { Finding, FindingCounts, Profile } from '../validate/types.ts';
import type { ExternalRuntime } from './external.ts';
import type { ResourceProviders } from './resources/providers.ts';

/**
 * The runtime check's data shapes. Its report sits beside the structural report: findings have
 * the same shape (rule ids start with `runtime.`), and two extra verdicts say what was proven:
 * `status` (did it pass) and `evidence` (how far it got).
 */

/** Version of the runtime report shape; bump it when a field changes meaning or disappears. */
export const RUNTIME_REPORT_VERSION = 1;

/**
 * - `passed`: everything the scenario declares ran and passed;
 * - `failed`: something ran and failed (a finding of severity `error`);
 * - `not-exercised`: nothing failed, but something could not run here (a resource or tool this
 *   machine lacks). Never counted as a pass.
 */
export type RuntimeStatus = 'passed' | 'failed' | 'not-exercised';

/**
 * How far the scenario was proven: `structure` (files only), `ran` (setup and develop succeeded
 * and health answered), `tested` (its tests passed too).
 */
export type Evidence = 'structure' | 'ran' | 'tested';

/** Evidence levels in ascending order. */
export const EVIDENCE_ORDER: readonly Evidence[] = ['structure', 'ran', 'tested'];

/** `external`: the user's own runtime command (RUNTIME_COMMAND with VROOLI_ROOT). */
export type Phase = 'initialization' | 'setup' | 'develop' | 'health' | 'test' | 'external';

/**
 * - `passed` / `failed`: ran and succeeded or not;
 * - `not-exercised`: needed something this machine lacks (see `missing`);
 * - `skipped`: not run (a false `condition`, or an earlier step did not pass; see `note`).
 */
export type StepStatus = 'passed' | 'failed' | 'not-exercised' | 'skipped';

/** One step of the run: a lifecycle step, the initialisation, a health check, test.sh. */
export interface StepResult {
  phase: Phase;
  name: string;
  /** The shell line run (`bash -c`), when the step is a command. */
  command?: string;
  status: StepStatus;
  /** Started in the background and supervised (develop servers). */
  background?: boolean;
  exitCode: number | null;
  timedOut: boolean;
  durationMs: number;
  /** The last lines of its combined output: the evidence. */
  outputTail: string;
  /** What was missing, when not exercised. */
  missing?: string[];
  note?: string;
}

/** What happened to one resource the scenario declares. */
export interface ResourceResult {
  /** The scenario's name for it (`postgres`). */
  name: string;
  /** Where it is declared, e.g. `resources.storage.postgres`. */
  declaredAt: string;
  required: boolean;
  /**
   * `provided`: a scratch instance was made for this run; `missing`: this machine cannot
   * provide it (see `reason`).
   */
  status: 'provided' | 'missing';
  reason?: string;
  /** The variables exported for it (names only; values are per run). */
  variables?: string[];
}

/** Milliseconds spent by the check itself, beside the scenario's own steps. */
export interface RuntimeTimings {
  /** Copy, scratch resources, ports, stand-ins. */
  prepareMs: number;
  /** Stopping processes, dropping scratch resources, removing the copy. */
  teardownMs: number;
  /** The scenario's own steps (initialisation, lifecycle, health, tests). */
  stepsMs: number;
  totalMs: number;
}

/** The result of one runtime check (shape version 1). */
export interface RuntimeReport {
  schemaVersion: typeof RUNTIME_REPORT_VERSION;
  /** Identifies this run: every process it started carries `SG_RUNTIME_ID=<runId>`. */
  runId: string;
  status: RuntimeStatus;
  evidence: Evidence;
  profile: string;
  scenario: { name: string; dir: string };
  resources: ResourceResult[];
  steps: StepResult[];
  /** What this machine lacked, one line each; empty unless something was not exercised. */
  missing: string[];
  findings: Finding[];
  counts: FindingCounts;
  timings: RuntimeTimings;
}

/** Time limits of one check. */
export interface RuntimeLimits {
  /** Per foreground step (setup, test). Default 5 min. */
  stepTimeoutMs: number;
  /** How long health checks are polled after develop. Default 30 s (or the scenario's grace, if shorter). */
  healthTimeoutMs: number;
  /** The whole check. Default 15 min. */
  budgetMs: number;
  /** Bytes of output kept per step. Default 4 KiB. */
  tailBytes: number;
}

/** What the runtime check needs to run one scenario. */
export interface RuntimeCheckOptions {
  /** The scenario folder; never changed (the check runs a copy). */
  dir: string;
  /** A profile id or a profile (decides the format era: lifecycle or not, resource layout). */
  profile: string | Profile;
  /** The scenario's name; defaults to the folder's name. */
  name?: string;
  /** Scratch Postgres and Redis (see createResourceProviders); missing ones are not provided. */
  providers: ResourceProviders;
  /** The unprivileged user every step runs as (setUpBoundary(...).runAs). */
  runAs?: RunAs;
  /**
   * Where PATH, LANG, TZ and TERM are taken from (the parsed config's environment); nothing else
   * of it reaches the scenario.
   */
  env?: Readonly<Record<string, string | undefined>>;
  limits?: Partial<RuntimeLimits>;
  /** Aborting stops every process, drops the scratch resources and rejects with the reason. */
  signal?: AbortSignal;
  /** Progress lines (one per step), for logs. */
  log?: (line: string) => void;
  /** The user's own runtime command from a Vrooli checkout, after or instead of the built-in one. */
  external?: ExternalRuntime;
}
