import { randomBytes } from 'node:crypto';
import { chmod, lstat, mkdir, mkdtemp, realpath, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { AppError, ConflictError } from '../../core/errors.ts';
import { getProfile } from '../validate/profiles.ts';
import { isInside, lexicalRelative } from '../validate/paths.ts';
import type { Profile } from '../validate/types.ts';
import { copyScenarioTree } from './copy.ts';
import { assertScenarioName, type VrooliDeployResult } from './types.ts';

export interface VrooliDeployOptions {
  scenarioDir: string;
  name: string;
  /** The Vrooli checkout (VROOLI_ROOT). */
  vrooliRoot: string;
  /** Profile id or profile: decides the path (`scripts/scenarios/core/<name>`, `scenarios/<name>`). */
  profile: string | Profile;
  /** Replace an existing scenario of the same name. Default false. */
  overwrite?: boolean;
}

/**
 * Creates `relDir` below `root` one level at a time, checking each existing level's real path:
 * a symlinked folder on the way could lead out of the checkout, and nothing may be created there.
 * Returns the real path of the folder.
 */
async function ensureFolderInside(root: string, relDir: string): Promise<string> {
  let current = root;
  for (const segment of relDir === '.' ? [] : relDir.split('/')) {
    const next = path.join(current, segment);
    await mkdir(next).catch((e: unknown) => {
      if (errno(e) !== 'EEXIST') throw e;
    });
    current = await realpath(next);
    if (!isInside(root, current))
      throw new AppError('deploy_error', `${relDir} leads outside the Vrooli checkout.`);
  }
  return current;
}

function errno(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException | undefined)?.code;
}

/**
 * Copies the scenario into a Vrooli checkout at the path the profile's era used. The copy is
 * written to a temporary folder beside the target and renamed into place, so Vrooli never sees
 * half a scenario. An existing scenario is never replaced unless `overwrite` is set; then the
 * old folder is renamed aside, the new one renamed in, and the old one removed (restored if the
 * swap fails).
 * @throws ConflictError when the scenario exists and overwrite is not set; AppError
 *   `deploy_error` for a bad name, a missing checkout or a path leaving it.
 */
export async function deployToVrooliCheckout(
  options: VrooliDeployOptions,
): Promise<VrooliDeployResult> {
  const name = assertScenarioName(options.name);
  const profile =
    typeof options.profile === 'string' ? getProfile(options.profile) : options.profile;
  const rootStat = await stat(options.vrooliRoot).catch(() => null);
  if (!rootStat?.isDirectory()) {
    throw new AppError(
      'deploy_error',
      `The Vrooli checkout ${options.vrooliRoot} does not exist or is not a folder.`,
    );
  }
  const root = await realpath(options.vrooliRoot);
  const rel = lexicalRelative(profile.deployPath(name));
  if (!rel.ok)
    throw new AppError(
      'deploy_error',
      `Profile ${profile.id} gives an unsafe path: ${rel.reason}.`,
    );
  const parent = await ensureFolderInside(root, path.posix.dirname(rel.rel));
  const target = path.join(parent, path.basename(rel.rel));
  const exists = await lstat(target).then(
    () => true,
    () => false,
  );
  if (exists && !options.overwrite) {
    throw new ConflictError(
      `Scenario ${name} already exists at ${target}; set overwrite to replace it.`,
      { location: target },
    );
  }
  const tmp = await mkdtemp(path.join(parent, `.${name}.tmp-`));
  try {
    const stats = await copyScenarioTree(options.scenarioDir, tmp);
    await chmod(tmp, ((await stat(options.scenarioDir)).mode & 0o7777) | 0o700);
    if (!exists) {
      try {
        await rename(tmp, target);
      } catch (e) {
        if (errno(e) === 'ENOTEMPTY' || errno(e) === 'EEXIST') {
          throw new ConflictError(`Scenario ${name} appeared at ${target} during the deploy.`, {
            location: target,
          });
        }
        throw e;
      }
    } else {
      const old = path.join(parent, `.${name}.old-${randomBytes(6).toString('hex')}`);
      await rename(target, old);
      try {
        await rename(tmp, target);
      } catch (e) {
        await rename(old, target);
        throw e;
      }
      await rm(old, { recursive: true, force: true });
    }
    return {
      target: 'vrooli',
      location: target,
      replaced: exists,
      files: stats.files,
      bytes: stats.bytes,
    };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
