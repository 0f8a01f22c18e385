import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import type { RunAs } from '../../boundary/identity.ts';
import { lineSplitter, Tail } from './tail.ts';

/**
 * A long-running step (a develop server) started in a process group of its own and supervised:
 * its output tail is kept, its exit noticed, and `stop()` ends the whole group — SIGTERM, then
 * SIGKILL for what is left after the grace period.
 */

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Why it could not start, when it could not. */
  error?: string;
}

/** A supervised server. */
export interface BackgroundProcess {
  pid: number | undefined;
  tail: Tail;
  startedAt: number;
  /** The exit of the group leader (the `bash -c` line), or null while it runs. */
  exited(): Exit | null;
  /** True while any process of its group is alive. */
  alive(): boolean;
  stop(graceMs: number): Promise<void>;
}

/** How to start one: argv (never a shell line of ours), cwd, whole environment, user. */
export interface BackgroundOptions {
  command: readonly string[];
  cwd: string;
  env: Record<string, string>;
  runAs?: RunAs;
  tailBytes: number;
}

/** True when a non-zombie process of the group is in /proc (zombies wait for a reaper). */
function liveMember(pgid: number): boolean {
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return true; // no /proc: trust the signal probe
  }
  for (const n of names) {
    if (n.charCodeAt(0) < 48 || n.charCodeAt(0) > 57) continue;
    try {
      const stat = readFileSync(`/proc/${n}/stat`, 'latin1');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(f[2]) === pgid && f[0] !== 'Z' && f[0] !== 'X') return true;
    } catch {
      // Gone meanwhile.
    }
  }
  return false;
}

/** True while a live process of the group exists: a cheap signal probe, then /proc. */
function groupAlive(pgid: number | undefined): boolean {
  if (pgid === undefined || pgid <= 1) return false;
  try {
    process.kill(-pgid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  return liveMember(pgid);
}

function signalGroup(pgid: number | undefined, signal: NodeJS.Signals): void {
  if (pgid === undefined || pgid <= 1) return;
  try {
    process.kill(-pgid, signal);
  } catch {
    // The group is gone.
  }
}

/** Starts the command; never throws for a command that fails (see `exited()`). */
export function startBackground(options: BackgroundOptions): BackgroundProcess {
  const [file, ...args] = options.command;
  if (!file) throw new Error('startBackground: empty command');
  const tail = new Tail(options.tailBytes);
  const child = spawn(file, args, {
    cwd: options.cwd,
    env: options.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(options.runAs ? { uid: options.runAs.uid, gid: options.runAs.gid } : {}),
  });
  let exit: Exit | null = null;
  const out = lineSplitter((l) => tail.push(l));
  const err = lineSplitter((l) => tail.push(l));
  child.stdout?.setEncoding('utf8').on('data', (c: string) => out.push(c));
  child.stderr?.setEncoding('utf8').on('data', (c: string) => err.push(c));
  child.on('error', (e) => (exit ??= { code: null, signal: null, error: e.message }));
  child.on('exit', (code, signal) => (exit = { code, signal }));
  const pgid = child.pid;
  return {
    pid: child.pid,
    tail,
    startedAt: Date.now(),
    exited: () => exit,
    alive: () => groupAlive(pgid),
    async stop(graceMs) {
      signalGroup(pgid, 'SIGTERM');
      const until = Date.now() + graceMs;
      while (Date.now() < until && groupAlive(pgid)) await new Promise((r) => setTimeout(r, 25));
      signalGroup(pgid, 'SIGKILL');
      out.end();
      err.end();
      child.stdout?.destroy();
      child.stderr?.destroy();
    },
  };
}
