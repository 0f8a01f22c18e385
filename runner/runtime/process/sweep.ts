import { killSessionTree, sessionProcesses, waitGone } from '../../agent/proc.ts';

/**
 * Every process a runtime check starts carries `SG_RUNTIME_ID=<runId>` in its environment, and
 * every descendant inherits it — also one that left the process group (`setsid`, a daemon).
 * The sweep at the end kills whatever still carries it.
 */

export const RUNTIME_ENV_MARKER = 'SG_RUNTIME_ID';

/** The `NAME=value` environment entry of a run. */
export function runMarker(runId: string): string {
  return `${RUNTIME_ENV_MARKER}=${runId}`;
}

/** Live processes of the run (by its marker). */
export function runProcesses(runId: string): number[] {
  return sessionProcesses(null, runMarker(runId)).map((p) => p.pid);
}

/** SIGKILLs everything still carrying the run's marker and waits for it to go; returns the pids. */
export async function sweepRun(runId: string): Promise<number[]> {
  const pids = killSessionTree(null, runMarker(runId));
  if (pids.length > 0) await waitGone(pids, 2000);
  return pids;
}
