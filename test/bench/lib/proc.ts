import { readFileSync } from 'node:fs';

/** Figures about processes from Linux's /proc. */

/** Resident set size of a process in MB, from /proc/<pid>/status (VmRSS); null when it is gone. */
export function rssMb(pid: number): number | null {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** CPU time (user + system) a process has used, in ms, from /proc/<pid>/stat; null when it is gone. */
export function cpuMs(pid: number | 'self'): number | null {
  const f = statFields(pid);
  return f ? ((f[11]! + f[12]!) * 1000) / CLOCK_TICKS : null;
}

/** CPU time of this process's finished (reaped) children, in ms: e.g. the agent CLI sessions. */
export function childrenCpuMs(): number {
  const f = statFields('self');
  return f ? ((f[13]! + f[14]!) * 1000) / CLOCK_TICKS : 0;
}

/** The numeric fields of /proc/<pid>/stat after the parenthesised command name (field 3 first). */
function statFields(pid: number | 'self'): number[] | null {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8')
      .replace(/^.*\) /s, '')
      .split(' ')
      .map(Number);
  } catch {
    return null;
  }
}

/** USER_HZ: 100 on every Linux the project targets. */
const CLOCK_TICKS = 100;
