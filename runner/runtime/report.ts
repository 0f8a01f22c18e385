import { countFindings, withSignatures } from '../validate/findings.ts';
import type { FindingInput } from '../validate/types.ts';
import {
  RUNTIME_REPORT_VERSION,
  type Evidence,
  type ResourceResult,
  type RuntimeReport,
  type RuntimeTimings,
  type StepResult,
} from './types.ts';
import { judgeRun } from './verdict.ts';

/** Everything a runtime report is built from; the verdicts are derived (verdict.ts). */
export interface RunRecord {
  runId: string;
  profile: string;
  scenario: { name: string; dir: string };
  /** The scenario has a lifecycle (2025-08-29 and later). */
  lifecycle: boolean;
  resources: ResourceResult[];
  missingResources: string[];
  steps: StepResult[];
  findings: FindingInput[];
  timings: RuntimeTimings;
  /** Evidence decided by the caller instead of the steps (an external command's run). */
  evidence?: Evidence;
}

/** Builds the report: verdicts from judgeRun, findings signed with the scenario's name folded out. */
export function buildRuntimeReport(run: RunRecord): RuntimeReport {
  const verdict = judgeRun({
    lifecycle: run.lifecycle,
    missingResources: run.missingResources,
    steps: run.steps,
    findings: run.findings,
  });
  const evidence = run.evidence ?? verdict.evidence;
  const signed = withSignatures(run.findings, run.scenario.name);
  return {
    schemaVersion: RUNTIME_REPORT_VERSION,
    runId: run.runId,
    status: verdict.status,
    evidence,
    profile: run.profile,
    scenario: run.scenario,
    resources: run.resources,
    steps: run.steps,
    missing: verdict.missing,
    findings: signed,
    counts: countFindings(signed),
    timings: run.timings,
  };
}
