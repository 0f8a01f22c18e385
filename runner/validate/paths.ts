import { constants } from 'node:fs';
import { access, lstat, readdir, readlink, realpath, stat } from 'node:fs/promises';
import path from 'node:path';

/**
 * Path safety for scenario folders: a path a scenario references must stay inside the scenario
 * — no `..`, no absolute path, no symlink (anywhere along the way) leading out.
 */

export type Resolved =
  | { kind: 'inside'; abs: string; rel: string }
  | { kind: 'escape'; reason: string }
  | { kind: 'missing'; abs: string; rel: string; dangling: boolean };

/** True when `child` is `root` or lies below it (both absolute and normalised). */
export function isInside(root: string, child: string): boolean {
  const rel = path.relative(root, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * Lexical check of a referenced path: relative, no `..` climbing out. Returns the normalised
 * POSIX relative path, or the reason it is refused.
 */
export function lexicalRelative(
  ref: string,
): { ok: true; rel: string } | { ok: false; reason: string } {
  if (ref.trim() === '') return { ok: false, reason: 'empty path' };
  if (ref.includes('\0')) return { ok: false, reason: 'NUL character in path' };
  const unified = ref.replace(/\\/g, '/');
  if (unified.startsWith('/') || /^[A-Za-z]:\//.test(unified) || unified.startsWith('~')) {
    return { ok: false, reason: 'absolute path' };
  }
  const rel = path.posix.normalize(unified).replace(/\/+$/, '');
  if (rel === '..' || rel.startsWith('../'))
    return { ok: false, reason: 'climbs out of the scenario with ..' };
  if (rel === '.' || rel === '') return { ok: false, reason: 'names the scenario folder itself' };
  return { ok: true, rel };
}

/**
 * Resolves a referenced path against the scenario root (`rootReal` must already be a realpath).
 * Symlinks are followed and must land inside the root.
 */
export async function resolveReference(rootReal: string, ref: string): Promise<Resolved> {
  const lex = lexicalRelative(ref);
  if (!lex.ok) return { kind: 'escape', reason: lex.reason };
  const abs = path.join(rootReal, lex.rel);
  try {
    const real = await realpath(abs);
    if (!isInside(rootReal, real))
      return { kind: 'escape', reason: 'a symlink leads outside the scenario' };
    return { kind: 'inside', abs: real, rel: lex.rel };
  } catch {
    // Missing, or a dangling symlink somewhere along the way: say which.
    const dangling = await lstat(abs).then(
      (s) => s.isSymbolicLink(),
      () => false,
    );
    if (dangling) {
      const target = path.resolve(path.dirname(abs), await readlink(abs));
      if (!isInside(rootReal, target))
        return { kind: 'escape', reason: 'a symlink leads outside the scenario' };
    }
    return { kind: 'missing', abs, rel: lex.rel, dangling };
  }
}

/** True when the path exists and is a regular file (after following symlinks). */
export async function isFile(abs: string): Promise<boolean> {
  return stat(abs).then(
    (s) => s.isFile(),
    () => false,
  );
}

/** True when the current user may execute the file. */
export async function isExecutable(abs: string): Promise<boolean> {
  return access(abs, constants.X_OK).then(
    () => true,
    () => false,
  );
}

export interface TreeEntry {
  rel: string;
  kind: 'file' | 'dir' | 'symlink' | 'other';
}

/** Folders never descended into: dependencies and VCS data are not part of a scenario's rules. */
const SKIP_DIRS = new Set(['node_modules', '.git']);

/**
 * Lists a scenario folder (POSIX relative paths, sorted, symlinks not followed), up to `limit`
 * entries. `truncated` says when the limit cut the listing short.
 */
export async function walkTree(
  root: string,
  limit = 50_000,
): Promise<{ entries: TreeEntry[]; truncated: boolean }> {
  const entries: TreeEntry[] = [];
  const queue: string[] = [''];
  while (queue.length > 0) {
    const relDir = queue.shift()!;
    const dirents = await readdir(path.join(root, relDir), { withFileTypes: true }).catch(() => []);
    dirents.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const d of dirents) {
      if (entries.length >= limit) return { entries, truncated: true };
      const rel = relDir === '' ? d.name : `${relDir}/${d.name}`;
      if (d.isSymbolicLink()) entries.push({ rel, kind: 'symlink' });
      else if (d.isDirectory()) {
        entries.push({ rel, kind: 'dir' });
        if (!SKIP_DIRS.has(d.name)) queue.push(rel);
      } else entries.push({ rel, kind: d.isFile() ? 'file' : 'other' });
    }
  }
  return { entries, truncated: false };
}

/** Where a symlink inside `rootReal` points, and whether that is outside the root. */
export async function symlinkEscapes(rootReal: string, rel: string): Promise<boolean> {
  const abs = path.join(rootReal, rel);
  const target = await realpath(abs).catch(async () =>
    path.resolve(path.dirname(abs), await readlink(abs)),
  );
  return !isInside(rootReal, target);
}
