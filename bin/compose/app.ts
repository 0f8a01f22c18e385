import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { startServices } from './boot.ts';
import { startPipeline } from './pipeline.ts';
import type { Config } from '../../core/config.ts';
import type { Logger } from '../../core/log.ts';
import type { ServerDefaults } from '../../core/server-defaults.ts';
import type { Sql } from '../../db/client.ts';
import { serverDefaults } from '../../db/settings.ts';
import { createApp } from '../../functions/app.ts';
import { createForecaster } from '../../functions/learning/forecaster.ts';
import { listen } from '../../functions/server.ts';
import { requestSuggestion } from '../../inngest/suggest.ts';
import { logAccessMode } from './auth-startup.ts';
import { createWorkerApp } from './worker-app.ts';
import { startRunTracing } from './telemetry.ts';
import { detectProfile } from '../../runner/validate/profiles/detect.ts';

/**
 * The composition root: services, then the HTTP app, then the server. `scenario-gen start` and
 * the end-to-end tests both come through here, so what is tested is what runs.
 */
export interface StartedApp {
  url: string;
  demoModel: boolean;
  /** Which engine runs the pipeline: the built-in executor, or an Inngest server calling back. */
  executor: 'local' | 'inngest';
  /** Settles when a service failed beyond repair: stop and exit non-zero for a supervisor. */
  fatal: Promise<Error>;
  stop(): Promise<void>;
}

const ROOT = path.resolve(import.meta.dirname, '..', '..');

/** True when runs should use the built-in demo model (no Anthropic credentials, or forced). */
export function useDemoModel(config: Config, env: NodeJS.ProcessEnv): boolean {
  if (config.DEMO_MODEL !== 'auto') return config.DEMO_MODEL === 'on';
  return !env.ANTHROPIC_API_KEY && !env.CLAUDE_CODE_OAUTH_TOKEN && !env.ANTHROPIC_BASE_URL;
}

/**
 * New scenarios' format: DEFAULT_PROFILE when set, else the format of the Vrooli checkout at
 * VROOLI_ROOT (read from its layout), else the built-in default.
 */
export function withDefaultProfile(config: Config, env: NodeJS.ProcessEnv, log: Logger): Config {
  if (env.DEFAULT_PROFILE || !config.VROOLI_ROOT) return config;
  const found = detectProfile(config.VROOLI_ROOT);
  if (!found) {
    log.warn(
      `VROOLI_ROOT ${config.VROOLI_ROOT} does not look like a Vrooli checkout; new scenarios use ${config.DEFAULT_PROFILE}`,
    );
    return config;
  }
  log.info(
    `new scenarios use ${found.profile}, the format of the checkout at VROOLI_ROOT (${found.reason})`,
  );
  return { ...config, DEFAULT_PROFILE: found.profile };
}

/** Concurrency changed on the settings page sizes the executor from the next start on. */
async function withStoredConcurrency(config: Config, sql: Sql): Promise<Config> {
  const stored = (await serverDefaults(sql).catch(() => ({}) as ServerDefaults)).concurrency ?? {};
  return {
    ...config,
    RUN_CONCURRENCY: stored.global ?? config.RUN_CONCURRENCY,
    CAMPAIGN_CONCURRENCY: stored.perCampaign ?? config.CAMPAIGN_CONCURRENCY,
  };
}

export async function startApp(
  given: Config,
  log: Logger,
  env: NodeJS.ProcessEnv,
): Promise<StartedApp> {
  const started = withDefaultProfile(given, env, log);
  const services = await startServices(started, log);
  const config = await withStoredConcurrency(started, services.sql);
  const stops: Array<() => Promise<void>> = [];
  try {
    const version = (
      JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }
    ).version;
    const siteDir = path.join(ROOT, 'site', 'build');
    const demoModel = useDemoModel(config, env);
    const forecaster = createForecaster({
      sql: services.sql,
      defaultProfile: config.DEFAULT_PROFILE,
      onError: (e) => log.warn(`forecast retrain failed: ${(e as Error).message}`),
    });
    stops.push(async () => forecaster.close());
    const tracing = startRunTracing(config, services.sql, log, version);
    if (tracing) stops.push(() => tracing.close());
    const pipeline = await startPipeline({
      config,
      sql: services.sql,
      store: services.store,
      bus: services.bus,
      log,
      env,
      demoModel,
      databaseUrl: services.databaseUrl,
      onRunFinished: (ref) => {
        forecaster.runFinished();
        tracing?.runFinished(ref.runId);
      },
    });
    stops.push(() => pipeline.stop());
    const meta = { version, demoModel, executor: pipeline.engine.kind };
    const app =
      config.ROLE === 'worker'
        ? createWorkerApp({
            ...services,
            config,
            meta,
            ...(pipeline.connection ? { connection: pipeline.connection } : {}),
          })
        : createApp({
            config,
            sql: services.sql,
            store: services.store,
            bus: services.bus,
            meta,
            pipeline: pipeline.control,
            log,
            forecaster,
            suggest: (fingerprint, actor) =>
              requestSuggestion({ sql: services.sql, engine: pipeline.engine }, fingerprint, actor),
            ...(pipeline.inngest ? { inngest: pipeline.inngest } : {}),
            ...(existsSync(siteDir) ? { siteDir } : {}),
          });
    const server = await listen(app, config.HOST, config.PORT);
    log.info(`listening on ${server.url}`);
    await logAccessMode(config, services.sql, server.url, log);
    return {
      url: server.url,
      demoModel,
      executor: pipeline.engine.kind,
      fatal: services.fatal,
      async stop() {
        await server.close();
        for (const stop of stops.reverse()) await stop();
        await services.stop();
      },
    };
  } catch (e) {
    for (const stop of stops.reverse()) await stop().catch(() => {});
    await services.stop();
    throw e;
  }
}
