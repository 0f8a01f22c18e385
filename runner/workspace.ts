import { lstatSync, realpathSync } from 'node:fs';
import { chmod, lstat, mkdir, open, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { InvalidInputError } from '../core/errors.ts';
import { sandboxSettings } from './boundary/sandbox.ts';
import { asDiskFull } from '../core/disk-full.ts';

/**
 * Per-session directories under the runner's data root, and the path checks that keep a
 * session (or a name in a request) from pointing outside them.
 */
export const SLUG_RE = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Throws InvalidInputError unless `slug` is kebab-case, at most 64 characters. */
export function assertSlug(slug: string, field = 'slug'): void {
  if (!SLUG_RE.test(slug) || slug.length > 64) {
    throw new InvalidInputError([
      {
        field,
        message: 'must be lower-case kebab-case (a-z, 0-9, single dashes), at most 64 characters',
      },
    ]);
  }
}

function reject(relative: string, why: string): never {
  throw new InvalidInputError([
    { field: 'path', message: `${why}: ${JSON.stringify(relative).slice(0, 200)}` },
  ]);
}

/** The deepest existing ancestor of `p` (itself when it exists), without following a final symlink. */
function deepestExisting(p: string): string {
  let cur = p;
  for (;;) {
    try {
      lstatSync(cur);
      return cur;
    } catch {
      const up = path.dirname(cur);
      if (up === cur) return cur;
      cur = up;
    }
  }
}

/**
 * Resolves a relative path inside `root`. Rejects absolute paths, `..` segments, NUL bytes, and
 * paths that leave the root through a symlink (the real path of the deepest existing part must
 * stay inside the root's real path).
 */
export function resolveInside(root: string, relative: string): string {
  if (relative.includes('\0')) reject(relative, 'path contains a NUL byte');
  if (path.isAbsolute(relative) || /^[A-Za-z]:[\\/]/.test(relative))
    reject(relative, 'absolute paths are not allowed');
  if (relative.split(/[\\/]+/).some((seg) => seg === '..'))
    reject(relative, 'path must not contain ..');
  const absRoot = path.resolve(root);
  const target = path.resolve(absRoot, relative);
  if (target !== absRoot && !target.startsWith(absRoot + path.sep))
    reject(relative, 'path leaves its root');
  let realRoot: string;
  try {
    realRoot = realpathSync(absRoot);
  } catch {
    return target; // nothing exists yet, so no symlink can redirect it
  }
  const existing = deepestExisting(target);
  let real: string;
  try {
    real = realpathSync(existing);
  } catch {
    reject(relative, 'path goes through a broken symlink');
  }
  if (real !== realRoot && !real.startsWith(realRoot + path.sep))
    reject(relative, 'path leaves its root through a symlink');
  return target;
}

export interface SessionDirs {
  /** `<dataRoot>/sessions/<scenarioSlug>/<sessionId>` */
  root: string;
  /** The agent's working directory. */
  workspace: string;
  /** The agent's HOME. */
  home: string;
  /** Removes all of it. */
  remove(): Promise<void>;
}

/**
 * Creates a fresh workspace and HOME for one session (mode 0700). When the session runs as the
 * agent user, hand `root` over to it (boundary/handover.ts) once its files are in place.
 */
export async function createSessionDirs(
  dataRoot: string,
  ids: { scenarioSlug: string; sessionId: string },
  settings: AgentSettingsOptions = {},
): Promise<SessionDirs> {
  assertSlug(ids.scenarioSlug, 'scenarioSlug');
  if (!UUID_RE.test(ids.sessionId))
    throw new InvalidInputError([{ field: 'sessionId', message: 'must be a uuid' }]);
  const base = path.resolve(dataRoot);
  const root = resolveInside(
    base,
    path.join('sessions', ids.scenarioSlug, ids.sessionId.toLowerCase()),
  );
  const workspace = path.join(root, 'workspace');
  const home = path.join(root, 'home');
  try {
    await mkdir(base, { recursive: true });
    await mkdir(workspace, { recursive: true, mode: 0o700 });
    await mkdir(home, { recursive: true, mode: 0o700 });
    await writeAgentSettings(home, settings);
  } catch (e) {
    await rm(root, { recursive: true, force: true }).catch(() => undefined);
    throw asDiskFull(e, 'a session workspace', root);
  }
  return { root, workspace, home, remove: () => rm(root, { recursive: true, force: true }) };
}

export interface AgentSettingsOptions {
  /** Turn on Claude Code's Bash sandbox (only where boundary/sandbox.ts found it working). */
  sandbox?: boolean;
}

/**
 * The agent's own settings in its HOME: reads outside the working directory are refused (Claude
 * Code's `permissions.blockReadsOutsideWorkingDirectories`), so a prompt cannot make the agent
 * read the server's files or /proc/<pid>/environ. Writes outside are refused by the
 * `acceptEdits` permission mode as long as no bare write tool is pre-approved (claude/args.ts
 * refuses those); Bash needs explicit rules, and runs in Claude Code's sandbox where it works.
 */
export async function writeAgentSettings(
  home: string,
  options: AgentSettingsOptions = {},
): Promise<void> {
  await mkdir(path.join(home, '.claude'), { recursive: true, mode: 0o700 });
  const settings = {
    permissions: { blockReadsOutsideWorkingDirectories: true },
    ...(options.sandbox ? { sandbox: sandboxSettings() } : {}),
  };
  await writeFile(
    path.join(home, '.claude', 'settings.json'),
    JSON.stringify(settings, null, 2) + '\n',
    { mode: 0o600 },
  );
}

/**
 * Agents write files but have no shell to `chmod +x` them: after a session, every file that
 * starts with `#!` gets the execute bit wherever it has the read bit (test.sh, cli/install.sh).
 * Returns the paths it changed, relative to `dir`.
 */
export async function markScriptsExecutable(dir: string): Promise<string[]> {
  const changed: string[] = [];
  const walk = async (rel: string): Promise<void> => {
    for (const e of await readdir(path.join(dir, rel), { withFileTypes: true })) {
      const r = path.join(rel, e.name);
      if (e.isDirectory()) await walk(r);
      if (!e.isFile()) continue;
      const abs = path.join(dir, r);
      const fh = await open(abs, 'r');
      const head = Buffer.alloc(2);
      try {
        await fh.read(head, 0, 2, 0);
      } finally {
        await fh.close();
      }
      if (head.toString() !== '#!') continue;
      const mode = (await lstat(abs)).mode & 0o777;
      const wanted = mode | ((mode & 0o444) >> 2);
      if (wanted !== mode) {
        await chmod(abs, wanted);
        changed.push(r);
      }
    }
  };
  await walk('');
  return changed;
}
