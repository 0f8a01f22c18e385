import { existsSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

/**
 * What the postmaster.pid of an embedded cluster's data folder says, checked against the live
 * system: a killed app may leave its Postgres serving (reuse it), shutting down, or dead — and
 * a dead postmaster not yet reaped is a zombie that `kill(pid, 0)` still counts as alive.
 */
export type PostmasterState =
  | { kind: 'none' }
  | { kind: 'serving'; pid: number; port: number }
  | { kind: 'stale'; pid: number };

/** The process's state letter from /proc (`Z` zombie, `X` dead), or undefined when it is gone. */
export function processState(pid: number): string | undefined {
  try {
    process.kill(pid, 0);
  } catch (e) {
    // EPERM: it exists but is not ours to signal, so it is alive.
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return undefined;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) || 'R';
  } catch {
    // No /proc (not Linux): trust the signal.
    return existsSync('/proc') ? undefined : 'R';
  }
}

/** True when the process exists and is neither a zombie nor dead. */
export function processAlive(pid: number): boolean {
  const s = processState(pid);
  return s !== undefined && s !== 'Z' && s !== 'X';
}

/** True when something accepts a TCP connection on loopback at `port` within `timeoutMs`. */
export function portAnswers(port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Pid and port written in `dir/postmaster.pid`, if the file is there and readable. */
export function readPidFile(dir: string): { pid: number; port: number } | undefined {
  const file = path.join(dir, 'postmaster.pid');
  if (!existsSync(file)) return undefined;
  const lines = readFileSync(file, 'utf8').split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  return Number.isInteger(pid) && pid > 0 ? { pid, port } : undefined;
}

/**
 * Decides whether the postmaster recorded in `dir` can be reused. A live process that does not
 * answer yet is starting or shutting down: wait up to `waitMs` for it to answer or to go. A stale
 * pid file (dead or zombie postmaster) is removed, because Postgres's own check would also take
 * the zombie for a running server and refuse to start.
 */
export async function inspectPostmaster(dir: string, waitMs = 15_000): Promise<PostmasterState> {
  const recorded = readPidFile(dir);
  if (!recorded) return { kind: 'none' };
  const { pid, port } = recorded;
  const deadline = Date.now() + waitMs;
  while (processAlive(pid)) {
    if (port > 0 && (await portAnswers(port))) return { kind: 'serving', pid, port };
    if (Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  if (processAlive(pid))
    throw new Error(
      `embedded Postgres (pid ${pid}) holds ${dir} but does not answer on port ${port}; stop it and start again`,
    );
  rmSync(path.join(dir, 'postmaster.pid'), { force: true });
  return { kind: 'stale', pid };
}
