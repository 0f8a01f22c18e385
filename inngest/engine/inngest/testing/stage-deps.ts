import { createLimiter } from '../../../../core/limiter.ts';
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createMemoryBus } from '../../../../core/bus/memory.ts';
import type { ProgressBus } from '../../../../core/bus/port.ts';
import { parseConfig, type Config } from '../../../../core/config.ts';
import { createLogger } from '../../../../core/log.ts';
import { createReporter } from '../../../../db/progress.ts';
import { createFsStore } from '../../../../core/store/fs.ts';
import type { ObjectStore } from '../../../../core/store/port.ts';
import { createCampaign } from '../../../../db/campaigns.ts';
import { createScenario, type Scenario } from '../../../../db/scenarios.ts';
import { createClaudeCodeAgent } from '../../../../runner/claude/adapter.ts';
import { setUpBoundary } from '../../../../runner/boundary/index.ts';
import { createDeployTarget } from '../../../../runner/deploy-targets/index.ts';
import { createResourceProviders } from '../../../../runner/runtime/index.ts';
import { buildAgentEnv } from '../../../../runner/env.ts';
import {
  createScenarioScript,
  type ScenarioScriptOptions,
} from '../../../../runner/model-double/scenario-script.ts';
import { startModelDouble, type ModelDouble } from '../../../../runner/model-double/server.ts';
import { createTestDb, type TestDb } from '../../../../test/support/db.ts';
import type { PipelineDeps } from '../../../stage-kit/deps.ts';
import { createRunLifecycle } from '../../../lifecycle.ts';

/**
 * The stage functions' real dependencies for tests of the served mode: a database of the test's
 * own, a filesystem object store and runner folder in a temp dir, an in-process bus, and the real
 * Claude Code CLI pointed at a model double playing a competent agent.
 */
export interface StageDeps {
  db: TestDb;
  dir: string;
  config: Config;
  store: ObjectStore;
  bus: ProgressBus;
  double: ModelDouble;
  deps: PipelineDeps;
  campaignId: string;
  newScenario(config?: {
    planningIterations?: number;
    implementationIterations?: number;
    validationFixes?: number;
  }): Promise<Scenario>;
  close(): Promise<void>;
}

export async function createStageDeps(
  o: { env?: Record<string, string>; script?: ScenarioScriptOptions } = {},
): Promise<StageDeps> {
  const db = await createTestDb({ max: 5 });
  const dir = mkdtempSync(path.join(tmpdir(), 'sg-serve-'));
  chmodSync(dir, 0o755);
  const config = parseConfig({
    DATA_DIR: dir,
    LOG_LEVEL: 'warn',
    RUN_CONCURRENCY: '3',
    CAMPAIGN_CONCURRENCY: '1',
    ...o.env,
  });
  const store = createFsStore(path.join(dir, 'objects'));
  await store.init();
  const bus = createMemoryBus();
  const double = await startModelDouble();
  double.register('serve', createScenarioScript(o.script));
  const runnerRoot = path.join(dir, 'runner');
  mkdirSync(runnerRoot, { recursive: true });
  const baseEnv = buildAgentEnv(
    { PATH: process.env.PATH, LANG: 'C.UTF-8' },
    config.AGENT_ENV_ALLOWLIST,
  );
  const reporter = createReporter({ db: db.sql, bus });
  const agent = createClaudeCodeAgent();
  const deps: PipelineDeps = {
    sql: db.sql,
    store,
    config,
    runnerRoot,
    runnerId: 'serve-test',
    reporter,
    lifecycle: createRunLifecycle({ sql: db.sql, reporter }),
    log: createLogger(config.LOG_LEVEL),
    agent,
    agentFor: () => agent,
    agentEnv: () => ({
      ...baseEnv,
      ANTHROPIC_BASE_URL: double.baseUrlFor('serve'),
      ANTHROPIC_API_KEY: 'sk-ant-serve-test',
      CLAUDE_CODE_MAX_RETRIES: '1',
    }),
    sessions: createLimiter(2),
    boundary: await setUpBoundary(config.AGENT_USER),
    deploy: createDeployTarget({ kind: 'archive' }),
    runtime: {
      providers: createResourceProviders({ postgresAdminUrl: db.url }),
      mode: config.RUN_CHECK,
    },
    commandEnv: baseEnv,
    secrets: [],
  };
  const campaignId = (await createCampaign(db.sql, { name: 'Served mode' }, 'test')).id;
  return {
    db,
    dir,
    config,
    store,
    bus,
    double,
    deps,
    campaignId,
    newScenario: (cfg = {}) =>
      createScenario(
        db.sql,
        {
          campaignId,
          title: 'Order tracker',
          request: 'Track orders and send a daily summary.',
          config: {
            planningIterations: 1,
            implementationIterations: 1,
            validationFixes: 1,
            ...cfg,
          },
        },
        'test',
      ),
    async close() {
      await double.close();
      await bus.close();
      await store.close();
      await db.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
