import { AppError } from '../../core/errors.ts';
import { KEBAB } from '../validate/rules/fields.ts';

/** Where a deploy went. Every target reports `target` and a `location` a person can follow. */
export type DeployResult = VrooliDeployResult | ArchiveDeployResult | CommandDeployResult;

export interface VrooliDeployResult {
  target: 'vrooli';
  /** Absolute path of the scenario inside the Vrooli checkout. */
  location: string;
  /** True when an existing scenario was replaced (overwrite was set). */
  replaced: boolean;
  files: number;
  bytes: number;
}

export interface ArchiveDeployResult {
  target: 'archive';
  /** The object store key (the API turns it into a download link). */
  location: string;
  key: string;
  /** Size of the .tar.gz in bytes. */
  size: number;
  /** Hex SHA-256 of the .tar.gz. */
  sha256: string;
}

export interface CommandDeployResult {
  target: 'command';
  /** The scenario folder the command was given (`{dir}`). */
  location: string;
  exitCode: 0;
  output: string;
  outputTruncated: boolean;
  durationMs: number;
}

/**
 * Refuses names a scenario folder cannot safely have: only kebab-case (`make-it-vegan`), which
 * also rules out `/`, `..` and anything else that could leave the target folder.
 * @throws AppError `deploy_error`.
 */
export function assertScenarioName(name: string): string {
  if (typeof name !== 'string' || name.length > 100 || !KEBAB.test(name)) {
    throw new AppError(
      'deploy_error',
      `Invalid scenario name ${JSON.stringify(String(name).slice(0, 120))}: use kebab-case, at most 100 characters.`,
      {
        details: { reason: 'invalid_name' },
      },
    );
  }
  return name;
}
