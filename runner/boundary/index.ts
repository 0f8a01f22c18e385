import { describeBoundary, resolveBoundary, type RunAs } from './identity.ts';
import { probeSandbox } from './sandbox.ts';

export { handOver } from './handover.ts';
export { describeBoundary, resolveBoundary, type Boundary, type RunAs } from './identity.ts';
export { probeSandbox, sandboxSettings, type SandboxStatus } from './sandbox.ts';

/** What a runner uses of the boundary: whom to run as, and whether Claude Code's sandbox works. */
export interface RunnerBoundary {
  runAs?: RunAs;
  sandbox: boolean;
  /** Start-up log lines saying what the boundary is. */
  describe: string[];
}

/** Resolves the agent user (creating it as root when missing) and probes the sandbox once. */
export async function setUpBoundary(agentUser: string): Promise<RunnerBoundary> {
  const boundary = await resolveBoundary(agentUser);
  const runAs = boundary.kind === 'user' ? boundary.runAs : undefined;
  const sandbox = await probeSandbox(runAs);
  return {
    ...(runAs ? { runAs } : {}),
    sandbox: sandbox.available,
    describe: [
      describeBoundary(boundary),
      sandbox.available
        ? "Claude Code's Bash sandbox (bubblewrap) works here; pipeline sessions get no Bash, so it has nothing to confine"
        : `Claude Code's Bash sandbox is unavailable: ${sandbox.reason}. Pipeline sessions get no Bash, so nothing runs outside it`,
    ],
  };
}
