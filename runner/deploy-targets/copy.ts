import {
  chmod,
  copyFile,
  lstat,
  mkdir,
  readdir,
  readlink,
  realpath,
  symlink,
} from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../../core/errors.ts';
import { isInside } from '../validate/paths.ts';

/**
 * Copies a scenario folder faithfully (files with their modes, so run bits survive; symlinks
 * as symlinks) and safely: a symlink leading outside the scenario stops the copy, so a copy can
 * never carry a path into the rest of the machine. Folders get owner rwx so the copy can be
 * replaced or removed later.
 */

/** Entries a scenario may have; more is not a scenario but a mistake (a home folder, a checkout). */
export const MAX_ENTRIES = 100_000;

export interface CopyStats {
  files: number;
  dirs: number;
  symlinks: number;
  bytes: number;
}

/**
 * Lists every entry below `rootReal` (relative POSIX paths, parents before children, sorted),
 * refusing symlinks that lead outside and special files.
 * @throws AppError `deploy_error` naming the offending entry.
 */
export async function listScenarioTree(
  rootReal: string,
): Promise<Array<{ rel: string; kind: 'file' | 'dir' | 'symlink' }>> {
  const out: Array<{ rel: string; kind: 'file' | 'dir' | 'symlink' }> = [];
  const walk = async (relDir: string): Promise<void> => {
    const names = (await readdir(path.join(rootReal, relDir))).sort();
    for (const name of names) {
      if (out.length >= MAX_ENTRIES)
        throw new AppError('deploy_error', `The scenario has more than ${MAX_ENTRIES} entries.`);
      const rel = relDir === '' ? name : `${relDir}/${name}`;
      const abs = path.join(rootReal, rel);
      const st = await lstat(abs);
      if (st.isSymbolicLink()) {
        const target = path.resolve(path.dirname(abs), await readlink(abs));
        const real = await realpath(abs).catch(() => target);
        if (!isInside(rootReal, target) || !isInside(rootReal, real)) {
          throw new AppError('deploy_error', `Symlink ${rel} points outside the scenario folder.`, {
            details: { entry: rel },
          });
        }
        out.push({ rel, kind: 'symlink' });
      } else if (st.isDirectory()) {
        out.push({ rel, kind: 'dir' });
        await walk(rel);
      } else if (st.isFile()) out.push({ rel, kind: 'file' });
      else
        throw new AppError('deploy_error', `${rel} is not a regular file, folder or symlink.`, {
          details: { entry: rel },
        });
    }
  };
  await walk('');
  return out;
}

/**
 * Copies the scenario at `src` into `dest` (created; must not exist yet, or be empty).
 * @throws AppError `deploy_error` for a symlink leading outside or a special file.
 */
export async function copyScenarioTree(src: string, dest: string): Promise<CopyStats> {
  const rootReal = await realpath(src);
  const entries = await listScenarioTree(rootReal);
  const stats: CopyStats = { files: 0, dirs: 0, symlinks: 0, bytes: 0 };
  await mkdir(dest, { recursive: true });
  for (const e of entries) {
    const from = path.join(rootReal, e.rel);
    const to = path.join(dest, e.rel);
    if (e.kind === 'dir') {
      const st = await lstat(from);
      await mkdir(to);
      await chmod(to, (st.mode & 0o7777) | 0o700);
      stats.dirs++;
    } else if (e.kind === 'symlink') {
      const target = await readlink(from);
      // Absolute targets inside the scenario are rewritten relative, so the copy stays self-contained.
      const kept = path.isAbsolute(target)
        ? path.relative(path.dirname(from), target) || '.'
        : target;
      await symlink(kept, to);
      stats.symlinks++;
    } else {
      await copyFile(from, to);
      const st = await lstat(from);
      await chmod(to, st.mode & 0o7777);
      stats.files++;
      stats.bytes += st.size;
    }
  }
  return stats;
}

/**
 * Copies one file or folder to `dest` (parents created). Folders go through copyScenarioTree's
 * checks; a single file keeps its mode.
 */
export async function copyPath(src: string, dest: string): Promise<void> {
  const st = await lstat(src);
  if (st.isDirectory()) {
    await copyScenarioTree(src, dest);
    return;
  }
  if (!st.isFile()) throw new AppError('deploy_error', `${src} is not a regular file or folder.`);
  await mkdir(path.dirname(dest), { recursive: true });
  await copyFile(src, dest);
  await chmod(dest, st.mode & 0o7777);
}
