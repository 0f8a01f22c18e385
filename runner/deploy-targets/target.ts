import type { RunAs } from '../boundary/identity.ts';
import { DEFAULT_ENV_ALLOW } from '../validate/external/run.ts';
import { deployWithCommand } from './command.ts';
import { deployToVrooliCheckout } from './vrooli.ts';

/**
 * The deploy port: where a validated scenario goes beyond the archive in the object store, which
 * the deploy stage always writes (it is also the download). The adapter is chosen once at start
 * from the settings, like every other port; the stage never looks at DEPLOY_TARGET itself.
 */
export interface DeployTarget {
  readonly kind: 'archive' | 'vrooli' | 'command';
  /**
   * True when deploying reaches outside the object store (a checkout, a command): then a run
   * that was cancelled meanwhile must not get there.
   */
  readonly external: boolean;
  deploy(o: DeployRequest): Promise<{ location: string }>;
}

export interface DeployRequest {
  /** A scratch copy of the scenario (the command target hands it to the agent user). */
  scenarioDir: string;
  name: string;
  profile: string;
  /** The archive already written, for the archive target's location. */
  archiveKey: string;
  signal: AbortSignal;
}

export type DeployTargetSettings =
  | { kind: 'archive' }
  | { kind: 'vrooli'; vrooliRoot: string; overwrite: boolean }
  | {
      kind: 'command';
      command: readonly string[];
      /** The server's environment at start; only DEFAULT_ENV_ALLOW of it reaches the command. */
      env: Readonly<Record<string, string | undefined>>;
      runAs?: RunAs;
      timeoutMs?: number;
    };

export function createDeployTarget(s: DeployTargetSettings): DeployTarget {
  switch (s.kind) {
    case 'archive':
      return {
        kind: 'archive',
        external: false,
        deploy: async (o) => ({ location: o.archiveKey }),
      };
    case 'vrooli':
      return {
        kind: 'vrooli',
        external: true,
        deploy: async (o) =>
          deployToVrooliCheckout({
            scenarioDir: o.scenarioDir,
            name: o.name,
            vrooliRoot: s.vrooliRoot,
            profile: o.profile,
            overwrite: s.overwrite,
          }),
      };
    case 'command': {
      // Built once: the command sees the allow-listed variables of the server's start-up env.
      const env: Record<string, string> = {};
      for (const key of DEFAULT_ENV_ALLOW) {
        const value = s.env[key];
        if (value !== undefined) env[key] = value;
      }
      return {
        kind: 'command',
        external: true,
        deploy: async (o) =>
          deployWithCommand({
            command: s.command,
            scenarioDir: o.scenarioDir,
            name: o.name,
            timeoutMs: s.timeoutMs ?? 10 * 60_000,
            env,
            ...(s.runAs ? { runAs: s.runAs } : {}),
            signal: o.signal,
          }),
      };
    }
  }
}
