import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { reclassifyInteraction } from '../../db/agent-interactions.ts';
import type { AgentOutcome } from '../../runner/agent/port.ts';
import { listScenarioTree } from '../../runner/deploy-targets/index.ts';
import { EngineStopping } from '../errors.ts';
import type { PipelineDeps } from './deps.ts';

/**
 * What a stage session really achieved, beyond the CLI's own verdict: a writing session that wrote
 * nothing, or one its server stopped, is reclassified (and recorded so).
 */

export const WRITE_TOOLS = new Set(['Write', 'Edit', 'MultiEdit', 'NotebookEdit']);

/** Every file of a folder with its content hash (the workspaces are small scenario folders). */
export async function fingerprint(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const e of await listScenarioTree(dir)) {
    if (e.kind !== 'file') continue;
    out.set(
      e.rel,
      createHash('sha256')
        .update(await readFile(path.join(dir, e.rel)))
        .digest('hex'),
    );
  }
  return out;
}

/** A writing session's real outcome: the CLI's success does not count when nothing was written. */
export async function judgeWrites(
  deps: PipelineDeps,
  outcome: AgentOutcome,
  writeCalls: number,
  before: Map<string, string> | undefined,
  workspace: string,
): Promise<AgentOutcome> {
  if (outcome.class !== 'success') return outcome;
  const refused = outcome.permissionDenials.filter((d) => WRITE_TOOLS.has(d.tool)).length;
  let verdict: { cls: 'writes_refused' | 'no_change'; message: string } | undefined;
  if (writeCalls > 0 && refused >= writeCalls)
    verdict = {
      cls: 'writes_refused',
      message: `Every file write of the session was refused (${refused}); nothing was written.`,
    };
  else if (before) {
    const after = await fingerprint(workspace);
    const same = after.size === before.size && [...after].every(([f, h]) => before.get(f) === h);
    if (same)
      verdict = {
        cls: 'no_change',
        message: 'The session changed none of the files it was asked to fix.',
      };
  }
  if (!verdict) return outcome;
  await reclassifyInteraction(deps.sql, outcome.sessionId, verdict.cls, verdict.message);
  return { ...outcome, class: verdict.cls, retryable: false, message: verdict.message };
}

/**
 * A session its server stopped (a shutdown, not a cancel of the run) was interrupted: recorded
 * as such, and its step runs again on the next start or on another process.
 */
export async function judgeShutdown(
  deps: PipelineDeps,
  outcome: AgentOutcome,
  signal: AbortSignal,
): Promise<AgentOutcome> {
  if (outcome.class !== 'cancelled' || !(signal.reason instanceof EngineStopping)) return outcome;
  const message = 'The server shut down while this session ran; its step runs again.';
  await reclassifyInteraction(deps.sql, outcome.sessionId, 'interrupted', message);
  return { ...outcome, class: 'interrupted', retryable: true, message };
}
