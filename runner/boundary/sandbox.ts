import { execa } from 'execa';
import type { RunAs } from './identity.ts';

/**
 * Claude Code's own sandbox (bubblewrap and socat on Linux) confines the commands its Bash tool
 * runs. Pipeline sessions get no Bash at all; sessions given Bash rules (`scenario-gen agent
 * --allow 'Bash(…)'`) get the sandbox when this probe finds it working, with no unsandboxed
 * fall-back. Nested in containers bubblewrap often cannot create namespaces: the probe runs it
 * once, as the agent user, and reports why when it cannot.
 */
export interface SandboxStatus {
  available: boolean;
  /** Why not, when not available. */
  reason?: string;
}

const PATH = '/usr/local/bin:/usr/bin:/bin';

async function has(binary: string): Promise<boolean> {
  const r = await execa('which', [binary], { reject: false, extendEnv: false, env: { PATH } });
  return r.exitCode === 0;
}

/** Checks that bubblewrap and socat exist and that bubblewrap can start a namespace here. */
export async function probeSandbox(runAs?: RunAs): Promise<SandboxStatus> {
  if (process.platform !== 'linux')
    return { available: false, reason: `not probed on ${process.platform}` };
  const missing = [];
  for (const b of ['bwrap', 'socat']) if (!(await has(b))) missing.push(b);
  if (missing.length > 0)
    return {
      available: false,
      reason: `${missing.join(' and ')} not installed (Debian: apt-get install bubblewrap socat)`,
    };
  const r = await execa(
    'bwrap',
    ['--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--unshare-all', 'true'],
    {
      reject: false,
      extendEnv: false,
      env: { PATH },
      timeout: 10_000,
      ...(runAs ? { uid: runAs.uid, gid: runAs.gid } : {}),
    },
  );
  if (r.exitCode !== 0)
    return {
      available: false,
      reason: `bubblewrap cannot create a sandbox here: ${(r.stderr || String(r.code ?? r.exitCode)).trim().slice(0, 200)}`,
    };
  return { available: true };
}

/** Claude Code settings for its Bash sandbox: on, failing closed, never running a command outside it. */
export function sandboxSettings(): Record<string, unknown> {
  return { enabled: true, failIfUnavailable: true, allowUnsandboxedCommands: false };
}
