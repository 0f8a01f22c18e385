import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as v from 'valibot';
import type { InteractionRecorder } from './agent/recorder.ts';
import { hasEnvMarker, killSessionTree, processInfo, signalGroup, waitGone } from './agent/proc.ts';
import { sessionEnvMarker } from './claude/markers.ts';
import type { ProcessTracker } from './session.ts';

/**
 * Sessions left running by a crashed runner are found and stopped when it starts again. Each
 * running session is remembered twice: a pid file under the runner's data root (works without a
 * database) and the pid on its agent_interactions row. On start, whatever is still alive and
 * provably the session's (its id on the command line, or the session marker in the environment)
 * is stopped — SIGTERM to the group, then SIGKILL to everything of the session — and the
 * interactions are marked finished with outcome `crashed`.
 */
const PidFile = v.object({
  sessionId: v.pipe(v.string(), v.uuid()),
  pid: v.pipe(v.number(), v.integer(), v.minValue(2)),
  runnerId: v.string(),
});

function pidDir(dataRoot: string): string {
  return path.join(path.resolve(dataRoot), 'pids');
}

/** Where releases before this one kept pid files (`DATA_DIR/runner/runner/pids`): still reaped. */
function oldPidDir(dataRoot: string): string {
  return path.join(path.resolve(dataRoot), 'runner', 'pids');
}

/** A ProcessTracker writing `<dataRoot>/pids/<sessionId>.json`. */
export function createPidFileTracker(dataRoot: string, runnerId: string): ProcessTracker {
  const dir = pidDir(dataRoot);
  return {
    async track({ sessionId, pid }) {
      v.parse(PidFile, { sessionId, pid, runnerId });
      await mkdir(dir, { recursive: true });
      await writeFile(
        path.join(dir, `${sessionId}.json`),
        JSON.stringify({ sessionId, pid, runnerId, startedAt: new Date().toISOString() }),
      );
    },
    async untrack(sessionId) {
      await rm(path.join(dir, `${sessionId}.json`), { force: true });
    },
  };
}

export interface ReapOptions {
  dataRoot: string;
  runnerId: string;
  /** When given, running interactions of this runner are stopped too and marked crashed. */
  recorder?: InteractionRecorder;
  /** SIGTERM → SIGKILL grace. Default 3000 ms. */
  graceMs?: number;
}

export interface ReapReport {
  /** Pids that were stopped. */
  stopped: number[];
  /** Sessions marked crashed. */
  sessions: string[];
  /** Leftover folders removed (session workspaces and HOMEs, scratch copies). */
  removed: number;
}

async function pidFiles(dir: string, runnerId: string): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const f of await readdir(dir).catch(() => [] as string[])) {
    if (!f.endsWith('.json')) continue;
    let json: unknown;
    try {
      json = JSON.parse(await readFile(path.join(dir, f), 'utf8'));
    } catch {
      continue;
    }
    const parsed = v.safeParse(PidFile, json);
    if (parsed.success && parsed.output.runnerId === runnerId)
      out.set(parsed.output.sessionId, parsed.output.pid);
  }
  return out;
}

async function stopSession(
  sessionId: string,
  pid: number | null,
  graceMs: number,
): Promise<number[]> {
  const marker = sessionEnvMarker(sessionId);
  const leader = pid ? processInfo(pid) : null;
  // A reused pid belongs to someone else: only a leader that is provably the session's is signalled as a group.
  const leaderOwned =
    !!leader && (leader.cmdline.includes(sessionId) || hasEnvMarker(leader.pid, marker));
  if (leaderOwned && pid) {
    signalGroup(pid, 'SIGTERM');
    const until = Date.now() + graceMs;
    while (Date.now() < until && processInfo(pid)) await new Promise((r) => setTimeout(r, 100));
  }
  const rest = killSessionTree(leaderOwned ? pid : null, marker);
  await waitGone(rest, graceMs);
  return [...new Set([...(leaderOwned && pid ? [pid] : []), ...rest])];
}

/** Finds and stops what a previous run of this runner left behind. Call once at start-up. */
export async function reapOrphans(options: ReapOptions): Promise<ReapReport> {
  const dir = pidDir(options.dataRoot);
  const found = new Map<string, number | null>([
    ...(await pidFiles(oldPidDir(options.dataRoot), options.runnerId)),
    ...(await pidFiles(dir, options.runnerId)),
  ]);
  for (const row of (await options.recorder?.listRunning(options.runnerId)) ?? []) {
    if (!found.get(row.sessionId)) found.set(row.sessionId, row.pid);
  }
  const stopped: number[] = [];
  for (const [sessionId, pid] of found)
    stopped.push(...(await stopSession(sessionId, pid, options.graceMs ?? 3000)));
  const sessions = [...found.keys()];
  for (const sessionId of sessions) {
    await options.recorder?.markCrashed(
      sessionId,
      'The runner stopped while this session ran; it was stopped when the runner started again.',
    );
    await rm(path.join(dir, `${sessionId}.json`), { force: true });
    await rm(path.join(oldPidDir(options.dataRoot), `${sessionId}.json`), { force: true });
  }
  const removed = await removeLeftoverFolders(options.dataRoot);
  return { stopped, sessions, removed };
}

/**
 * Removes the workspaces, HOMEs and scratch folders crashed sessions and steps left under the
 * runner's root. Called only by the process that is about to run work, before it runs any, so
 * nothing here is in use; returns how many folders went.
 */
async function removeLeftoverFolders(dataRoot: string): Promise<number> {
  const root = path.resolve(dataRoot);
  let names: string[];
  try {
    names = await readdir(root);
  } catch {
    return 0;
  }
  const leftovers = names.filter((n) => n === 'sessions' || /^(check|deploy)-/.test(n));
  for (const n of leftovers) await rm(path.join(root, n), { recursive: true, force: true });
  return leftovers.length;
}
