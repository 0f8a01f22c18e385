import { readdirSync, readFileSync } from 'node:fs';

/**
 * The process table as Linux shows it under /proc: used to find a session's leftover processes
 * (by process group or by the session id in a command line). Elsewhere it returns nothing.
 */
export interface ProcInfo {
  pid: number;
  pgid: number;
  /** Arguments joined by spaces. */
  cmdline: string;
}

function readProc(pid: number): ProcInfo | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name: state ppid pgrp …
    const after = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const pgid = Number(after[2]);
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
    const state = after[0];
    if (state === 'Z' || state === 'X') return null; // zombies are already dead
    return { pid, pgid, cmdline };
  } catch {
    return null;
  }
}

/** Every live (non-zombie) process visible to us. */
export function listProcesses(): ProcInfo[] {
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return [];
  }
  const out: ProcInfo[] = [];
  for (const n of names) {
    if (!/^\d+$/.test(n)) continue;
    const p = readProc(Number(n));
    if (p) out.push(p);
  }
  return out;
}

/** One process by pid, or null when it is gone (or a zombie). */
export function processInfo(pid: number): ProcInfo | null {
  return readProc(pid);
}

/** Live processes whose command line contains `needle` or that belong to process group `pgid`. */
export function findSessionProcesses(needle: string, pgid?: number): ProcInfo[] {
  return listProcesses().filter((p) => p.pid !== process.pid && (p.cmdline.includes(needle) || (pgid !== undefined && p.pgid === pgid)));
}

function environHas(pid: number, entry: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(entry);
  } catch {
    return false;
  }
}

/**
 * Live processes that belong to a session: in its process group, or carrying `envMarker`
 * (`NAME=value`) in their environment. Tools may start children in process groups of their own
 * (Claude Code's Bash tool does), so the group alone does not find everything; the marker is
 * inherited by every descendant.
 */
export function sessionProcesses(pgid: number | null, envMarker: string): ProcInfo[] {
  return listProcesses().filter((p) => p.pid !== process.pid && ((pgid !== null && p.pgid === pgid) || environHas(p.pid, envMarker)));
}

/** True when the process carries the marker in its environment. */
export function hasEnvMarker(pid: number, envMarker: string): boolean {
  return environHas(pid, envMarker);
}

/**
 * SIGKILLs everything of a session: its process group, and every process carrying the marker
 * (with its own group when that group's leader carries the marker too). Returns the pids hit.
 */
export function killSessionTree(pgid: number | null, envMarker: string): number[] {
  if (pgid !== null) signalGroup(pgid, 'SIGKILL');
  const found = sessionProcesses(pgid, envMarker);
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

/** True while any live process is in the group. */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch {
    return false;
  }
  // kill(0) also succeeds for zombies; check for a live member.
  return listProcesses().some((p) => p.pgid === pgid);
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
