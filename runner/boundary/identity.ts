import { readFile } from 'node:fs/promises';
import { execa } from 'execa';
import { AppError } from '../../core/errors.ts';

/**
 * The operating-system boundary around model-written code. Claude Code's permission rules are one
 * layer; this is the one that holds when they do not: agent sessions, the external validator and
 * deploy commands run as a dedicated unprivileged user that owns only the session's workspace and
 * HOME, so a stray write fails whatever the tool permissions say.
 */
export interface RunAs {
  user: string;
  uid: number;
  gid: number;
}

/** Where model-written code runs: as its own user (`user`), or as the server's user (`same`). */
export type Boundary =
  { kind: 'user'; runAs: RunAs } | { kind: 'same'; uid: number; reason: string };

const USER_RE = /^[a-z_][a-z0-9_-]{0,31}$/;

/** Reads a user's uid and gid from the passwd database (`/etc/passwd` format). */
export async function lookupUser(
  user: string,
  passwdFile = '/etc/passwd',
): Promise<RunAs | undefined> {
  const text = await readFile(passwdFile, 'utf8');
  for (const line of text.split('\n')) {
    const [name, , uid, gid] = line.split(':');
    if (name === user && uid !== undefined && gid !== undefined)
      return { user, uid: Number(uid), gid: Number(gid) };
  }
  return undefined;
}

/** Creates a system user with its own group, no home and no login shell. */
async function createUser(user: string): Promise<void> {
  const r = await execa(
    'useradd',
    [
      '--system',
      '--user-group',
      '--no-create-home',
      '--home-dir',
      '/nonexistent',
      '--shell',
      '/usr/sbin/nologin',
      user,
    ],
    { reject: false, extendEnv: false, env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' } },
  );
  // Another process may have created it meanwhile (exit 9: the name is taken).
  if (r.exitCode !== 0 && r.exitCode !== 9) {
    const why = r.failed && r.exitCode === undefined ? String(r.code ?? 'not found') : r.stderr;
    throw new AppError(
      'internal',
      `Could not create the agent user "${user}" (useradd: ${why.trim().slice(0, 200)}). Create it yourself or set AGENT_USER to an existing unprivileged user.`,
    );
  }
}

/**
 * Decides the boundary at start. As root: the configured agent user, created when missing (it must
 * not be root). As anyone else: model-written code runs as the server's own user, and the caller
 * says so in the start-up log.
 */
export async function resolveBoundary(
  agentUser: string,
  uid: number | undefined = process.getuid?.(),
): Promise<Boundary> {
  if (uid === undefined) return { kind: 'same', uid: -1, reason: 'no user ids on this platform' };
  if (uid !== 0)
    return {
      kind: 'same',
      uid,
      reason: `the server is not root (uid ${uid}), so it cannot switch users`,
    };
  if (!USER_RE.test(agentUser))
    throw new AppError('invalid_input', `AGENT_USER "${agentUser}" is not a user name.`);
  let runAs = await lookupUser(agentUser);
  if (!runAs) {
    await createUser(agentUser);
    runAs = await lookupUser(agentUser);
  }
  if (!runAs) throw new AppError('internal', `The agent user "${agentUser}" does not exist.`);
  if (runAs.uid === 0 || runAs.gid === 0)
    throw new AppError(
      'invalid_input',
      `AGENT_USER "${agentUser}" has uid or gid 0; agent sessions must not run as root.`,
    );
  return { kind: 'user', runAs };
}

/** One line for the start-up log: what stands between model-written code and the server. */
export function describeBoundary(b: Boundary): string {
  if (b.kind === 'user')
    return `model-written code (agents, external validator, deploy commands) runs as user ${b.runAs.user} (uid ${b.runAs.uid}), which owns only each session's workspace and HOME`;
  return `model-written code runs as this server's own user: ${b.reason}. Its boundary is Claude Code's permission rules (writes only inside the workspace, no reads outside it, no Bash) and the allow-listed environment; run the server as a dedicated user that owns nothing else, or as root with AGENT_USER, for an operating-system boundary`;
}
