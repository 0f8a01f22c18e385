import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { AppError, NotFoundError } from '../../core/errors.ts';
import { buildReport } from './findings.ts';
import { getProfile } from './profiles.ts';
import type { Profile, ValidationReport } from './types.ts';

export interface ValidateOptions {
  /** The scenario folder. */
  dir: string;
  /** A profile id or a profile; the default profile when omitted. */
  profile?: string | Profile;
  /** The scenario's name; defaults to the folder's name. */
  name?: string;
}

/**
 * Validates one scenario folder against a profile's rules and returns the report. The single
 * entry point of the validator: the pipeline, the CLI and the API all call this.
 * @throws NotFoundError when `dir` does not exist; AppError `invalid_input` when it is not a
 *   folder or the profile is unknown.
 */
export async function validateScenario(options: ValidateOptions): Promise<ValidationReport> {
  const profile =
    typeof options.profile === 'object' ? options.profile : getProfile(options.profile);
  const given = path.resolve(options.dir);
  const st = await stat(given).catch(() => null);
  if (!st) throw new NotFoundError('Scenario folder', given);
  if (!st.isDirectory())
    throw new AppError('invalid_input', `${given} is not a folder.`, { details: { dir: given } });
  const dir = await realpath(given);
  const name = options.name ?? path.basename(given);
  const findings = await profile.check({ dir, name });
  return buildReport(profile, { name, dir: given }, findings);
}
