import { lchown, readdir } from 'node:fs/promises';
import path from 'node:path';
import { ensureTraversable } from '../../core/traverse.ts';
import type { RunAs } from './identity.ts';

/**
 * Gives a folder that model-written code works in (a session's workspace and HOME, the external
 * validator's copy) to the agent user: every entry in it is chowned (symlinks themselves, never
 * their targets), and its ancestors get the traverse bit so the user can reach it. Nothing
 * outside the folder changes owner.
 */
export async function handOver(
  dir: string,
  runAs: RunAs | undefined,
  log: (line: string) => void = () => {},
): Promise<void> {
  if (!runAs) return;
  ensureTraversable(
    [path.dirname(dir)],
    log,
    `the agent user ${runAs.user} can reach its workspace`,
  );
  await chownTree(dir, runAs.uid, runAs.gid);
}

async function chownTree(p: string, uid: number, gid: number): Promise<void> {
  await lchown(p, uid, gid);
  let entries;
  try {
    entries = await readdir(p, { withFileTypes: true });
  } catch {
    return; // not a folder
  }
  for (const e of entries) {
    const child = path.join(p, e.name);
    if (e.isDirectory()) await chownTree(child, uid, gid);
    else await lchown(child, uid, gid);
  }
}
