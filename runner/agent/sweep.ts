import type { ChildProcess } from 'node:child_process';
import { killSessionTree, signalGroup, waitGone } from './proc.ts';

/**
 * The post-exit sweep both agent adapters share. Once the CLI is gone, nothing it started may
 * outlive it: its tools may start commands in process groups (and PTY sessions) of their own,
 * so the session marker in their environment finds them.
 */
export interface ExitSweep {
  /**
   * Call after the child has been awaited: looks again only when something outlived the CLI (a
   * dying child may have forked meanwhile) and then waits for the kills to land, so that nothing
   * of the session is alive on return; otherwise SIGKILLs the (empty) group once more.
   */
  settle(): Promise<void>;
}

export interface ExitSweepOptions {
  /** The session leader's pid (and process group); undefined when the spawn failed. */
  pid: number | undefined;
  /** `NAME=value` the adapter put into the session's environment. */
  marker: string;
  /** The leader's start time (clock ticks since boot), to keep the environment scan cheap. */
  since: number | undefined;
  /** Longest wait for the kills to land. */
  graceMs: number;
  /** Called first on exit (the adapters publish their `exit` event here). */
  onExit: (code: number | null, signal: NodeJS.Signals | null) => void;
}

export function sweepOnExit(child: ChildProcess, o: ExitSweepOptions): ExitSweep {
  let swept: number[] = [];
  child.on('exit', (code, sig) => {
    o.onExit(code, sig);
    if (o.pid !== undefined) swept = killSessionTree(o.pid, o.marker, o.since);
  });
  return {
    async settle() {
      if (o.pid === undefined) return;
      if (swept.length > 0)
        await waitGone([...swept, ...killSessionTree(o.pid, o.marker, o.since)], o.graceMs);
      else signalGroup(o.pid, 'SIGKILL');
    },
  };
}
