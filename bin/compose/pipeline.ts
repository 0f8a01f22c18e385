import { hostname } from 'node:os';
import path from 'node:path';
import type { ProgressBus } from '../../core/bus/port.ts';
import { secretsOf, type Config } from '../../core/config.ts';
import type { Logger } from '../../core/log.ts';
import { createLimiter } from '../../core/limiter.ts';
import { createReporter, type ProgressReporter } from '../../db/progress.ts';
import type { ObjectStore } from '../../core/store/port.ts';
import { createDbInteractionRecorder } from '../../db/agent-interactions.ts';
import type { Sql } from '../../db/client.ts';
import { isCancelRequested } from '../../db/runs.ts';
import { createControl, type Control } from '../../inngest/control.ts';
import { createRunLifecycle, type RunEndStatus, type RunRef } from '../../inngest/lifecycle.ts';
import { noticeEvent } from '../../inngest/notices.ts';
import type { Engine } from '../../inngest/engine/port.ts';
import { createLocalEngine } from '../../inngest/engine/local/engine.ts';
import { inngestConnect, inngestServed } from '../../inngest/engine/inngest/settings.ts';
import type { InngestHandler } from '../../inngest/engine/inngest/mount.ts';
import type { InngestConnection } from '../../inngest/engine/inngest/connect.ts';
import { createFunctions } from '../../inngest/stages/index.ts';
import type { PipelineDeps } from '../../inngest/stage-kit/deps.ts';
import type { AgentName } from '../../core/domain.ts';
import type { AgentPort } from '../../runner/agent/port.ts';
import { agentTelemetryEnv, buildAgentEnv } from '../../runner/env.ts';
import { createScenarioScript } from '../../runner/model-double/scenario-script.ts';
import { startModelDouble, type ModelDouble } from '../../runner/model-double/server.ts';
import { reapOrphans } from '../../runner/orphans.ts';
import { setUpBoundary, type RunAs } from '../../runner/boundary/index.ts';
import {
  createDeployTarget,
  type DeployTargetSettings,
} from '../../runner/deploy-targets/index.ts';
import { DEFAULT_ENV_ALLOW } from '../../runner/validate/index.ts';
import { createResourceProviders } from '../../runner/runtime/index.ts';
import { createAgent, demoAgentEnv } from './agent.ts';
import { startHousekeeping } from '../../inngest/housekeeping.ts';

/**
 * The pipeline's composition: the agent (Claude Code, or the demo model when there are no
 * credentials), the stage functions, the engine that runs them, and the control the API uses.
 * On start it stops agent processes a crashed previous run left behind, then resumes unfinished
 * runs.
 */
export interface Pipeline {
  control: Control;
  engine: Engine;
  reporter: ProgressReporter;
  deps: PipelineDeps;
  demo?: ModelDouble;
  /** The /api/inngest handler, in Inngest-served mode. */
  inngest?: InngestHandler;
  /** The outbound connection of a worker with INNGEST_CONNECT (for /api/ready). */
  connection?: Pick<InngestConnection, 'status'>;
  stop(): Promise<void>;
}

export interface PipelineOptions {
  config: Config;
  sql: Sql;
  store: ObjectStore;
  bus: ProgressBus;
  log: Logger;
  /** The environment agent credentials come from (allow-listed). */
  env: NodeJS.ProcessEnv;
  /** Use the built-in demo model (a local model double with a scripted competent agent). */
  demoModel: boolean;
  /** A Postgres URL that may create databases and roles: the runtime check's scratch server. */
  databaseUrl: string;
  /** Overrides for tests: extra agent env (e.g. a model double's URL), another agent. */
  agentEnv?: Record<string, string>;
  agent?: AgentPort;
  retryBackoff?: (attempt: number) => number;
  pollIntervalMs?: number;
  cancelPollMs?: number;
  runnerId?: string;
  /** Told when a run ends (the success forecast retrains, its trace is exported). */
  onRunFinished?: (ref: RunRef, status: RunEndStatus) => void;
}

/** The deploy adapter the settings ask for (validated at parse: VROOLI_ROOT / DEPLOY_COMMAND). */
function deployTargetSettings(
  config: Config,
  env: NodeJS.ProcessEnv,
  runAs: RunAs | undefined,
): DeployTargetSettings {
  if (config.DEPLOY_TARGET === 'vrooli')
    return { kind: 'vrooli', vrooliRoot: config.VROOLI_ROOT!, overwrite: config.DEPLOY_OVERWRITE };
  if (config.DEPLOY_TARGET === 'command')
    return { kind: 'command', command: config.DEPLOY_COMMAND!, env, ...(runAs ? { runAs } : {}) };
  return { kind: 'archive' };
}

/**
 * Stops the agent processes a crashed runner left behind and marks their sessions crashed. Only
 * the process that runs the work may do this: a standby would stop its owner's live sessions.
 */
async function reapLeftovers(
  o: PipelineOptions,
  runnerRoot: string,
  runnerId: string,
): Promise<void> {
  const reaped = await reapOrphans({
    dataRoot: runnerRoot,
    runnerId,
    recorder: createDbInteractionRecorder(o.sql),
  });
  if (reaped.stopped.length || reaped.sessions.length)
    o.log.warn(
      `stopped ${reaped.stopped.length} leftover agent process group(s); ${reaped.sessions.length} session(s) marked crashed`,
    );
  if (reaped.removed)
    o.log.info(`removed ${reaped.removed} folder(s) crashed sessions and steps left behind`);
}

export async function startPipeline(o: PipelineOptions): Promise<Pipeline> {
  const runnerRoot = path.join(o.config.dataDir, 'runner');
  const runnerId = o.runnerId ?? 'local';

  const { describe, ...boundary } = await setUpBoundary(o.config.AGENT_USER);
  for (const line of describe) o.log.info(line);

  const demo = o.demoModel
    ? await startModelDouble({
        defaultScript: createScenarioScript({ runtimeMistakes: 1, demo: true }),
        maxRecorded: 20,
      })
    : undefined;
  const baseEnv = {
    ...buildAgentEnv(o.env, o.config.AGENT_ENV_ALLOWLIST),
    ...agentTelemetryEnv(o.config.OTEL_EXPORTER_OTLP_ENDPOINT, o.env),
  };
  const agentEnv = (): Record<string, string> => ({
    ...baseEnv,
    ...(demo ? demoAgentEnv(demo.url) : {}),
    ...(o.agentEnv ?? {}),
  });
  const runtimeProviders = createResourceProviders({
    postgresAdminUrl: o.databaseUrl,
    ...(o.config.REDIS_URL ? { redisUrl: o.config.REDIS_URL } : {}),
  });
  // One adapter per agent name, made when a run first asks for it.
  const adapters = new Map<AgentName, AgentPort>();
  const agentNamed = (name: AgentName): AgentPort => {
    const made = adapters.get(name) ?? createAgent(o.config, name);
    adapters.set(name, made);
    return made;
  };
  const reporter = createReporter({ db: o.sql, bus: o.bus });
  const lifecycle = createRunLifecycle({
    sql: o.sql,
    reporter,
    ...(o.onRunFinished ? { onFinished: o.onRunFinished } : {}),
    // Runs end only after the engine has started, so `engine` is set by then.
    notify: (n) => engine.send(noticeEvent(n)),
  });
  const deps: PipelineDeps = {
    sql: o.sql,
    store: o.store,
    reporter,
    lifecycle,
    config: o.config,
    log: o.log,
    runnerRoot,
    runnerId,
    agentEnv,
    secrets: secretsOf(o.config, o.env),
    boundary,
    sessions: createLimiter(o.config.AGENT_CONCURRENCY ?? o.config.RUN_CONCURRENCY),
    agent: o.agent ?? createAgent(o.config),
    agentFor: (name) => o.agent ?? agentNamed(name),
    deploy: createDeployTarget(deployTargetSettings(o.config, o.env, boundary.runAs)),
    runtime: { providers: runtimeProviders, mode: o.config.RUN_CHECK },
    commandEnv: buildAgentEnv(o.env, DEFAULT_ENV_ALLOW),
  };
  const functions = createFunctions(deps);
  const outbound = inngestConnect(o.config, { hostname: hostname(), pid: process.pid });
  // With INNGEST_DEV or INNGEST_BASE_URL an Inngest server drives the same functions through
  // /api/inngest; otherwise the local executor runs them in-process.
  const served = inngestServed(o.config)
    ? (await import('../../inngest/engine/inngest/index.ts')).createInngestMode({
        config: o.config,
        specs: functions,
        log: o.log,
        serve: {
          // A step in flight learns of a cancel from the run's row (Inngest cannot interrupt it).
          isCancelled: async (data) => {
            const runId = (data as { runId?: unknown }).runId;
            return typeof runId === 'string' && (await isCancelRequested(o.sql, runId));
          },
        },
      })
    : undefined;
  const engine =
    served?.engine ??
    createLocalEngine({
      sql: o.sql,
      functions,
      log: o.log,
      // Stage functions invoked by a run need slots of their own beside the orchestrators.
      globalConcurrency: o.config.RUN_CONCURRENCY * 2,
      ...(o.retryBackoff ? { retryBackoff: o.retryBackoff } : {}),
      ...(o.pollIntervalMs ? { pollIntervalMs: o.pollIntervalMs } : {}),
      onTakeOver: async () => {
        await reapLeftovers(o, runnerRoot, runnerId);
        await lifecycle.resumed();
      },
      mayOwn: o.config.ROLE !== 'api',
    });
  // Under Inngest every process runs steps it is called for: leftovers are its own.
  if (served) await reapLeftovers(o, runnerRoot, runnerId);
  const control = createControl({
    sql: o.sql,
    engine,
    lifecycle,
    defaultModel: o.config.AGENT_MODEL,
    demoModel: Boolean(demo),
  });
  await engine.start();
  // ROLE=worker with INNGEST_CONNECT: steps arrive over an outbound WebSocket, not /api/inngest.
  // It connects in the background, so /api/ready can say why it is not connected yet and a
  // SIGTERM while it retries stops the process.
  const connection = served && outbound ? served.connect(outbound) : undefined;
  connection?.ready.then(
    ({ connectionId }) =>
      o.log.info(`inngest: connected outbound as ${outbound!.instanceId} (${connectionId})`),
    (e: unknown) =>
      o.log.error(`inngest: connecting outbound failed for good: ${(e as Error).message}`),
  );
  // Retention (TRANSCRIPT_RETENTION_DAYS, BUNDLE_RETENTION): hourly, in processes that do work.
  const housekeeping =
    o.config.ROLE === 'api'
      ? undefined
      : startHousekeeping({
          sql: o.sql,
          store: o.store,
          log: o.log,
          transcriptRetentionDays: o.config.TRANSCRIPT_RETENTION_DAYS,
          bundleRetention: o.config.BUNDLE_RETENTION,
        });
  return {
    control,
    engine,
    reporter,
    deps,
    ...(demo ? { demo } : {}),
    ...(served ? { inngest: served.handler } : {}),
    ...(connection ? { connection } : {}),
    async stop() {
      await housekeeping?.stop();
      await connection?.close();
      await engine.stop();
      await demo?.close();
      await runtimeProviders.close();
    },
  };
}
