import { signatureOf } from './finding-signature.ts';
import {
  REPORT_SCHEMA_VERSION,
  type Finding,
  type FindingCounts,
  type FindingInput,
  type Profile,
  type ValidationReport,
} from './types.ts';

/** Collects findings in the order rules emit them, so a report is deterministic. */
export class FindingList {
  readonly items: FindingInput[] = [];
  add(f: FindingInput): void {
    this.items.push(f);
  }
  error(ruleId: string, message: string, where: Where = {}): void {
    this.add({ severity: 'error', ruleId, message, ...clean(where) });
  }
  warning(ruleId: string, message: string, where: Where = {}): void {
    this.add({ severity: 'warning', ruleId, message, ...clean(where) });
  }
  info(ruleId: string, message: string, where: Where = {}): void {
    this.add({ severity: 'info', ruleId, message, ...clean(where) });
  }
  hasError(): boolean {
    return this.items.some((f) => f.severity === 'error');
  }
}

/** Location and hint of a finding; undefined members are dropped from the JSON. */
export interface Where {
  file?: string | undefined;
  jsonPath?: string | undefined;
  hint?: string | undefined;
}

function clean(where: Where): Partial<Pick<FindingInput, 'file' | 'jsonPath' | 'hint'>> {
  const out: Partial<Pick<FindingInput, 'file' | 'jsonPath' | 'hint'>> = {};
  if (where.file !== undefined) out.file = where.file;
  if (where.jsonPath !== undefined) out.jsonPath = where.jsonPath;
  if (where.hint !== undefined) out.hint = where.hint;
  return out;
}

/** Tallies findings by severity. */
export function countFindings(findings: readonly Pick<Finding, 'severity'>[]): FindingCounts {
  const counts: FindingCounts = { error: 0, warning: 0, info: 0 };
  for (const f of findings) counts[f.severity]++;
  return counts;
}

/** Adds the signature to each finding (computed with the scenario's name folded out). */
export function withSignatures(findings: readonly FindingInput[], name?: string): Finding[] {
  return findings.map((f) => ({
    ...f,
    signature: signatureOf(f, name === undefined ? {} : { name }),
  }));
}

/**
 * Builds a report. `valid` is derived here and nowhere else: false iff any finding is an error,
 * whatever else happened.
 */
export function buildReport(
  profile: Pick<Profile, 'id' | 'version'>,
  scenario: { name: string; dir: string },
  findings: readonly FindingInput[],
): ValidationReport {
  const signed = withSignatures(findings, scenario.name);
  const counts = countFindings(signed);
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    valid: counts.error === 0,
    profile: profile.id,
    profileVersion: profile.version,
    scenario,
    findings: signed,
    counts,
  };
}
