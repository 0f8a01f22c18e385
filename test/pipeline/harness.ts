import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createMemoryBus } from '../../core/bus/memory.ts';
import type { ProgressBus } from '../../core/bus/port.ts';
import { parseConfig, type Config } from '../../core/config.ts';
import { createLogger } from '../../core/log.ts';
import { createAgent, type AgentName } from '../../bin/compose/agent.ts';
import { startPipeline, type Pipeline } from '../../bin/compose/pipeline.ts';
import { createFsStore } from '../../core/store/fs.ts';
import type { ObjectStore } from '../../core/store/port.ts';
import { createCampaign } from '../../db/campaigns.ts';
import { listRuns } from '../../db/runs.ts';
import { createScenario, getScenario, type Scenario } from '../../db/scenarios.ts';
import { listValidations } from '../../db/validations.ts';
import {
  createScenarioScript,
  type ScenarioScriptOptions,
} from '../../runner/model-double/scenario-script.ts';
import { startModelDouble, type ModelDouble } from '../../runner/model-double/server.ts';
import type { Script } from '../../runner/model-double/script.ts';
import { createTestDb, type TestDb } from '../support/db.ts';

/**
 * The pipeline on real Postgres, the real Claude Code CLI and the model double: a test gets a
 * database of its own, a data folder, a double with its script, and the pipeline wired as the app
 * wires it (local executor).
 */
export interface PipelineHarness {
  db: TestDb;
  dir: string;
  config: Config;
  store: ObjectStore;
  bus: ProgressBus;
  double: ModelDouble;
  pipeline: Pipeline;
  campaignId: string;
  /** Restarts the pipeline (a new executor on the same database), as after a crash. */
  restart(): Promise<void>;
  newScenario(overrides?: Partial<Parameters<typeof createScenario>[1]>): Promise<Scenario>;
  waitFor(scenarioId: string, statuses: string[], timeoutMs?: number): Promise<Scenario>;
  /** Waits for the scenario to end; a failure throws with the run's class, error and findings. */
  deployed(scenarioId: string, timeoutMs?: number): Promise<Scenario>;
  close(): Promise<void>;
}

export async function createPipelineHarness(
  o: {
    script?: Script;
    scriptOptions?: ScenarioScriptOptions;
    env?: Record<string, string>;
    /** The coding agent (default: the AGENT setting, Claude Code). */
    agent?: AgentName;
  } = {},
): Promise<PipelineHarness> {
  const db = await createTestDb({ max: 10 });
  const dir = mkdtempSync(path.join(tmpdir(), 'sg-pipe-'));
  chmodSync(dir, 0o755);
  const config = parseConfig({
    DATA_DIR: dir,
    USAGE_LIMIT_BACKOFF: '2s',
    RUN_CONCURRENCY: '2',
    LOG_LEVEL: 'warn',
    ...o.env,
  });
  const store = createFsStore(path.join(dir, 'objects'));
  await store.init();
  const bus = createMemoryBus();
  const double = await startModelDouble();
  const scriptId = 'pipeline';
  double.register(scriptId, o.script ?? createScenarioScript(o.scriptOptions));
  const log = createLogger(config.LOG_LEVEL);
  const start = () =>
    startPipeline({
      config,
      sql: db.sql,
      store,
      bus,
      log,
      env: { PATH: process.env.PATH, LANG: 'C.UTF-8' },
      demoModel: false,
      databaseUrl: db.url,
      agentEnv: {
        ANTHROPIC_BASE_URL: double.baseUrlFor(scriptId),
        ANTHROPIC_API_KEY: 'sk-ant-test-harness',
        CLAUDE_CODE_MAX_RETRIES: '1',
        OPENAI_BASE_URL: `${double.baseUrlFor(scriptId)}/v1`,
        OPENAI_API_KEY: 'sk-openai-test-harness',
      },
      ...(o.agent ? { agent: createAgent(config, o.agent) } : {}),
      retryBackoff: () => 200,
      pollIntervalMs: 200,
      cancelPollMs: 200,
    });
  const h: PipelineHarness = {
    db,
    dir,
    config,
    store,
    bus,
    double,
    pipeline: await start(),
    campaignId: (await createCampaign(db.sql, { name: 'Pipeline tests' }, 'test')).id,
    async restart() {
      await h.pipeline.stop();
      h.pipeline = await start();
    },
    newScenario: (overrides = {}) =>
      createScenario(
        db.sql,
        {
          campaignId: h.campaignId,
          title: 'Order tracker',
          request: 'Track orders and send a daily summary.',
          config: { planningIterations: 1, implementationIterations: 1, validationFixes: 1 },
          ...overrides,
        },
        'test',
      ),
    async waitFor(scenarioId, statuses, timeoutMs = 120_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const s = await getScenario(db.sql, scenarioId);
        if (statuses.includes(s.status)) return s;
        if (Date.now() > until)
          throw new Error(
            `scenario stayed ${s.status} (${s.error ?? ''}), wanted ${statuses.join('/')}`,
          );
        await new Promise((r) => setTimeout(r, 200));
      }
    },
    async deployed(scenarioId, timeoutMs) {
      const s = await h.waitFor(scenarioId, ['deployed', 'failed', 'cancelled'], timeoutMs);
      if (s.status === 'deployed') return s;
      const [run] = await listRuns(db.sql, { scenarioId, limit: 1 });
      const findings = run
        ? (await listValidations(db.sql, run.id))
            .filter((v) => !v.passed)
            .map((v) => ({ phase: v.phase, validator: v.validator, findings: v.findings }))
        : [];
      throw new Error(
        `scenario ended ${s.status}: ${s.error ?? ''}; run ${run?.failureClass ?? '?'}: ` +
          `${run?.error ?? ''}; validations: ${JSON.stringify(findings).slice(0, 4000)}`,
      );
    },
    async close() {
      await h.pipeline.stop();
      await double.close();
      await bus.close();
      await db.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return h;
}
