import { closeSync, openSync, readdirSync, readFileSync, readSync } from 'node:fs';

/**
 * The process table as Linux shows it under /proc: used to find a session's processes (by
 * process group, by a marker in their environment, or by the session id on a command line) and
 * to stop them. Where /proc does not exist it finds nothing.
 */
export interface ProcInfo {
  pid: number;
  pgid: number;
  /** Arguments joined by spaces. */
  cmdline: string;
}

interface Stat {
  pid: number;
  pgid: number;
  /** Start time in clock ticks since boot. */
  start: number;
  zombie: boolean;
}

/** One buffer for every /proc/<pid>/stat read (a stat line is a few hundred bytes). */
const statBuf = Buffer.alloc(4096);

/**
 * /proc/<pid>/stat as text: open, one read, close (readFileSync also fstats and reads again to
 * see the end; the sweep reads every process's stat, so the saved calls add up).
 */
function readStatText(pid: number): string {
  const fd = openSync(`/proc/${pid}/stat`, 'r');
  try {
    const n = readSync(fd, statBuf, 0, statBuf.length, 0);
    if (n < statBuf.length) return statBuf.toString('latin1', 0, n);
  } finally {
    closeSync(fd);
  }
  return readFileSync(`/proc/${pid}/stat`, 'latin1');
}

function readStat(pid: number): Stat | null {
  try {
    const stat = readStatText(pid);
    // Fields after the parenthesised command name: state(3) ppid(4) pgrp(5) … starttime(22).
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { pid, pgid: Number(f[2]), start: Number(f[19]), zombie: f[0] === 'Z' || f[0] === 'X' };
  } catch {
    return null;
  }
}

function readCmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0').filter(Boolean).join(' ');
  } catch {
    return '';
  }
}

function environHas(pid: number, entry: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(entry);
  } catch {
    return false;
  }
}

/** Live (non-zombie) process stats, excluding this process. */
function liveStats(): Stat[] {
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return [];
  }
  const out: Stat[] = [];
  for (const n of names) {
    const c = n.charCodeAt(0);
    if (c < 48 || c > 57) continue;
    const s = readStat(Number(n));
    if (s && !s.zombie && s.pid !== process.pid) out.push(s);
  }
  return out;
}

/** Every live (non-zombie) process visible to us, except this one. */
export function listProcesses(): ProcInfo[] {
  return liveStats().map((s) => ({ pid: s.pid, pgid: s.pgid, cmdline: readCmdline(s.pid) }));
}

/** One process by pid, or null when it is gone (or a zombie). */
export function processInfo(pid: number): ProcInfo | null {
  const s = readStat(pid);
  return s && !s.zombie ? { pid, pgid: s.pgid, cmdline: readCmdline(pid) } : null;
}

/** A process's start time (clock ticks since boot), or undefined when it is gone. */
export function processStart(pid: number): number | undefined {
  return readStat(pid)?.start;
}

/** Live processes whose command line contains `needle` or that belong to process group `pgid`. */
export function findSessionProcesses(needle: string, pgid?: number): ProcInfo[] {
  return listProcesses().filter(
    (p) => p.cmdline.includes(needle) || (pgid !== undefined && p.pgid === pgid),
  );
}

/** True when the process carries the marker (`NAME=value`) in its environment. */
export function hasEnvMarker(pid: number, envMarker: string): boolean {
  return environHas(pid, envMarker);
}

/**
 * Live processes that belong to a session: in its process group, or carrying `envMarker`
 * (`NAME=value`) in their environment. Tools may start children in process groups of their own
 * (Claude Code's Bash tool does), so the group alone does not find everything; the marker is
 * inherited by every descendant. With `since` (the session leader's start time) only processes
 * started since then have their environment read, which keeps the scan cheap.
 */
export function sessionProcesses(
  pgid: number | null,
  envMarker: string,
  since?: number,
): ProcInfo[] {
  const out: ProcInfo[] = [];
  for (const s of liveStats()) {
    const inGroup = pgid !== null && s.pgid === pgid;
    if (inGroup || ((since === undefined || s.start >= since) && environHas(s.pid, envMarker))) {
      out.push({ pid: s.pid, pgid: s.pgid, cmdline: readCmdline(s.pid) });
    }
  }
  return out;
}

/** Sends a signal to a whole process group; a missing group is not an error. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  if (!(pgid > 1)) return false;
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/**
 * SIGKILLs everything of a session: its process group, and every process carrying the marker
 * (with its own group when that group's leader carries the marker too). Returns the pids hit.
 */
export function killSessionTree(pgid: number | null, envMarker: string, since?: number): number[] {
  if (pgid !== null) signalGroup(pgid, 'SIGKILL');
  const found = sessionProcesses(pgid, envMarker, since);
  const marked = new Set(found.map((p) => p.pid));
  for (const p of found) {
    if (p.pgid !== pgid && marked.has(p.pgid)) signalGroup(p.pgid, 'SIGKILL');
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  return [...marked];
}

/** Waits until none of `pids` is alive (zombies count as gone), at most `ms`. True when all are gone. */
export async function waitGone(pids: readonly number[], ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  for (;;) {
    if (pids.every((pid) => processInfo(pid) === null)) return true;
    if (Date.now() >= until) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
}
