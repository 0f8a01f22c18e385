/**
 * The runtime check: runs a scenario with scratch resources and reports what it proved
 * (status, evidence, per-step results, `runtime.*` findings). The pipeline and the CLI call
 * `runRuntimeCheck` with providers from `createResourceProviders`.
 */
export { DEFAULT_RUNTIME_LIMITS, runRuntimeCheck } from './check.ts';
export { formatRuntimeTagged, runtimeExitCode } from './format.ts';
export type { ExternalRuntime } from './external.ts';
export {
  createResourceProviders,
  type PostgresProvider,
  type ProviderSettings,
  type RedisProvider,
  type ResourceProviders,
} from './resources/providers.ts';
export { runProcesses } from './process/sweep.ts';
export {
  EVIDENCE_ORDER,
  RUNTIME_REPORT_VERSION,
  type Evidence,
  type Phase,
  type ResourceResult,
  type RuntimeCheckOptions,
  type RuntimeLimits,
  type RuntimeReport,
  type RuntimeStatus,
  type RuntimeTimings,
  type StepResult,
  type StepStatus,
} from './types.ts';
