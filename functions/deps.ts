import type { Principal } from '../core/auth/roles.ts';
import type { Config } from '../core/config.ts';
import type { Logger } from '../core/log.ts';
import type { ProgressBus } from '../core/bus/port.ts';
import type { ObjectStore } from '../core/store/port.ts';
import type { Sql } from '../db/client.ts';
import type { InngestHandler } from '../inngest/engine/inngest/mount.ts';

import type { PipelineControl } from '../inngest/control.ts';
import type { Meta } from './contract/meta.ts';
import type { Forecaster } from './learning/forecaster.ts';
import type { PromptSuggestion } from '../db/prompt-suggestions.ts';

export type { PipelineControl };

/** What the HTTP app needs, built once at boot (bin/compose/boot.ts) and passed in. */
export interface AppDeps {
  config: Config;
  sql: Sql;
  store: ObjectStore;
  bus: ProgressBus;
  meta: Pick<Meta, 'version' | 'demoModel' | 'executor'>;
  /** Starts, cancels, retries and rolls back runs. */
  pipeline: PipelineControl;
  /** Where unexpected errors are written (redacting secrets); console.error when absent. */
  log?: Logger;
  /** The /api/inngest handler when an Inngest server drives the pipeline. */
  inngest?: InngestHandler;
  /** Folder of the built SPA; absent in API-only tests. */
  siteDir?: string;
  /** The success forecast (retrained as runs finish); the app makes its own when absent. */
  forecaster?: Forecaster;
  /**
   * Asks for a prompt change for a recurring problem: the suggestion comes back `proposing`, and
   * the engine runs its plan-only agent session (on a worker). Absent: no engine to run it.
   */
  suggest?: (fingerprint: string, actor: string) => Promise<PromptSuggestion>;
}

/** Hono variables set by middleware. */
export interface AppEnv {
  Variables: {
    actor: string;
    /** Who the request acts for (functions/access/authenticate.ts). */
    principal: Principal;
    /** Set when a valid signed download link stands in for credentials. */
    signedLink: boolean;
    /**
     * Whether the request's credential still stands (a session not signed out or expired, a
     * token not revoked): long-lived responses (SSE) ask it again while they run.
     */
    credentialValid?: () => Promise<boolean>;
  };
}
