/**
 * The validator's data shapes. A finding is one observation about a scenario; a report is the
 * versioned result of one validation. Both are plain JSON so they can be stored, streamed and
 * compared across runs.
 */

export type Severity = 'error' | 'warning' | 'info';

/** One observation about a scenario. Any `error` makes the scenario invalid. */
export interface Finding {
  severity: Severity;
  /** Stable rule identifier, e.g. `file.missing`; `external` for an external validator's lines. */
  ruleId: string;
  /** Path relative to the scenario folder (POSIX separators), when the finding concerns a file. */
  file?: string;
  /** JSONPath into `file`, e.g. `$.ports.api.fallback`, when the finding concerns a JSON value. */
  jsonPath?: string;
  message: string;
  /** How to fix it, where the rule knows. */
  hint?: string;
  /** Stable signature for counting recurring problems across runs (see signature.ts). */
  signature: string;
}

/** A finding before its signature is computed. */
export type FindingInput = Omit<Finding, 'signature'>;

export interface FindingCounts {
  error: number;
  warning: number;
  info: number;
}

/** Version of the report shape below; bump it when a field changes meaning or disappears. */
export const REPORT_SCHEMA_VERSION = 1;

/**
 * The result of validating one scenario (report shape version 1):
 * - `valid` is false exactly when `findings` holds at least one `error`;
 * - `profile` / `profileVersion` name the rule set and its version, so a verdict can be traced;
 * - `scenario.name` is the name the rules checked against (the folder's name unless given);
 * - `counts` tallies findings by severity.
 */
export interface ValidationReport {
  schemaVersion: typeof REPORT_SCHEMA_VERSION;
  valid: boolean;
  profile: string;
  profileVersion: string;
  scenario: { name: string; dir: string };
  findings: Finding[];
  counts: FindingCounts;
}

/** What a profile's rules get to look at. */
export interface ScenarioContext {
  /** Absolute, symlink-resolved scenario folder. */
  dir: string;
  /** The scenario's name (normally the folder's name). */
  name: string;
}

/** What is known of a target format without its rules (catalogue.ts). */
export interface ProfileInfo {
  id: string;
  /** Version of the rule set; changes whenever a rule is added, removed or changes verdict. */
  version: string;
  description: string;
  /** Where a Vrooli checkout of this era keeps the scenario, relative to its root (POSIX). */
  deployPath(name: string): string;
}

/** A target format: a versioned, deterministic rule set plus where the format places scenarios. */
export interface Profile extends ProfileInfo {
  /** Runs every rule. Same files in, same findings out, in the same order. */
  check(ctx: ScenarioContext): Promise<FindingInput[]>;
}
