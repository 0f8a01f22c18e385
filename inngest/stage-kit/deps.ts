import type { Config } from '../../core/config.ts';
import type { AgentName } from '../../core/domain.ts';
import type { Logger } from '../../core/log.ts';
import type { ProgressReporter } from '../../db/progress.ts';
import type { ObjectStore } from '../../core/store/port.ts';
import type { Sql } from '../../db/client.ts';
import type { AgentPort } from '../../runner/agent/port.ts';
import type { DeployTarget } from '../../runner/deploy-targets/target.ts';
import type { ResourceProviders } from '../../runner/runtime/index.ts';
import type { Limiter } from '../../core/limiter.ts';
import type { RunAs } from '../../runner/boundary/identity.ts';
import type { RunLifecycle } from '../lifecycle.ts';

/** What the stage functions need, built once at boot and closed over by the function specs. */
export interface PipelineDeps {
  sql: Sql;
  store: ObjectStore;
  reporter: ProgressReporter;
  /** The owner of run state: stages enter phases and sleep through it, never by writing rows. */
  lifecycle: RunLifecycle;
  config: Config;
  agent: AgentPort;
  /**
   * The adapter for an agent a scenario or campaign chose (`agent` is the AGENT setting's).
   * Stage sessions ask for `budget.agent ?? campaignAgent ?? budget.defaultAgent ?? config.AGENT`
   * (the scenario's, the campaign's, the settings page's, the environment's).
   */
  agentFor(name: AgentName): AgentPort;
  /**
   * The environment of the external validator: the allow-listed variables of the server's
   * start-up environment (never process.env read in a stage).
   */
  commandEnv: Record<string, string>;
  /**
   * The runtime check: scratch-resource providers, and RUN_CHECK (`required`: deployed only when
   * it passed; `advisory`: deployed when structurally valid, with the evidence shown; `off`).
   */
  runtime: { providers: ResourceProviders; mode: 'required' | 'advisory' | 'off' };
  /** Where validated scenarios go besides the archive (chosen at start from DEPLOY_TARGET). */
  deploy: DeployTarget;
  /** The agent's allow-listed environment (credentials, or the demo model's base URL). */
  agentEnv: () => Record<string, string>;
  /** Root of session workspaces and HOMEs. */
  runnerRoot: string;
  runnerId: string;
  log: Logger;
  /** Values to redact from transcripts, events and stored outcomes (configured secrets). */
  secrets: string[];
  /** Caps the agent sessions running at once in this runner. */
  sessions: Limiter;
  /**
   * The operating-system boundary: the user agent sessions, the external validator and deploy
   * commands run as (absent when the server is not root), and whether Claude Code's Bash sandbox
   * works here.
   */
  boundary: { runAs?: RunAs; sandbox: boolean };
}
