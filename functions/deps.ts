import type { Principal } from '../core/auth/roles.ts';
import type { Config } from '../core/config.ts';
import type { Logger } from '../core/log.ts';
import type { ProgressBus } from '../core/bus/port.ts';
import type { ObjectStore } from '../core/store/port.ts';
import type { Sql } from '../db/client.ts';
import type { InngestHandler } from '../inngest/serve/mount.ts';

/** Starting and stopping runs, as the HTTP layer sees it (implemented by the pipeline). */
export interface PipelineControl {
  /** Starts a new run for the scenario; returns the run row (JSON-ready). */
  generate(
    scenarioId: string,
    actor: string,
    options?: { trigger?: string },
  ): Promise<Record<string, unknown>>;
  /** Cancels a run; returns the run row. */
  cancelRun(runId: string, actor: string): Promise<Record<string, unknown>>;
  /** Cancels the scenario's current run, if any. */
  cancelScenario(scenarioId: string, actor: string): Promise<Record<string, unknown> | null>;
  /** Starts a new run from `fromPhase`, restoring earlier phases from the given run's bundles. */
  retry(
    runId: string,
    fromPhase: 'planning' | 'implementing' | 'validating' | 'deploying',
    actor: string,
  ): Promise<unknown>;
  /** Redeploys an earlier bundle of the scenario (after checking it again). */
  rollback(scenarioId: string, artifactId: string, actor: string): Promise<unknown>;
}

/** What the HTTP app needs, built once at boot (core/boot.ts) and passed in. */
export interface AppDeps {
  config: Config;
  sql: Sql;
  store: ObjectStore;
  bus: ProgressBus;
  meta: { version: string; demoModel: boolean; executor: 'local' | 'inngest' };
  pipeline?: PipelineControl;
  /** Where unexpected errors are written (redacting secrets); console.error when absent. */
  log?: Logger;
  /** The /api/inngest handler when an Inngest server drives the pipeline. */
  inngest?: InngestHandler;
  /** Folder of the built SPA; absent in API-only tests. */
  siteDir?: string;
}

/** Hono variables set by middleware. */
export interface AppEnv {
  Variables: {
    actor: string;
    /** Who the request acts for (functions/access/authenticate.ts). */
    principal: Principal;
    /** Set when a valid signed download link stands in for credentials. */
    signedLink: boolean;
  };
}
