/**
 * Benchmark: orchestration cost of the pipeline. 20 generation requests at once, runner
 * concurrency 4, through the real pipeline (bin/compose/pipeline.ts `startPipeline`: local executor,
 * real Postgres in a database of its own, fs store, memory bus, the real Claude Code CLI) against
 * the model double answering instantly. One request runs alone first. Every scenario uses 1 planning / 1 implementation / 1 validation-fix
 * iteration (3 agent sessions when the validator passes first time), with the runtime check off
 * (its cost is test/bench/runtime.ts's).
 *
 * Per-step orchestration overhead = each executor step's duration (executor_steps, kind run:
 * the step's function including its run_steps bookkeeping) minus the CLI wall time of the agent
 * sessions recorded under that step (agent_interactions.duration_ms) minus the time the step
 * waited for a free agent slot (from its 'waiting for a free agent slot' log line to its session's
 * start), which is reported on its own: waiting is queueing, not orchestration.
 *
 * The batch is compared with the CPU floor: the CLI sessions' measured CPU time (reaped children's
 * user + system) divided by the cores — what the sessions alone need on this machine, with no
 * orchestration and perfect packing. `wavesMs` (batch waves × the single run) is kept beside it
 * for reference; it is no floor on a machine with fewer cores than agent slots.
 *
 *   node test/bench/pipeline.ts [runs=20] [concurrency=4]
 *
 * Prints `{ runs, concurrency, cores, totalMs, singleRunMs, cpuFloorMs, ratioToCpuFloor, wavesMs,
 * ratioToWaves, perStepOverheadMs: { median, p95 }, slotWait: { steps, totalMs, medianMs },
 * sessions, sessionMedianMs }` on stdout. Diagnostics go to stderr: overhead per step name
 * (agent steps include bundling, validating and deploying, i.e. real work besides orchestration),
 * the time between steps, peak concurrent runs and sessions, CLI CPU per session and the CPU-bound
 * floor it implies on this machine, the single run's own breakdown, and the load average.
 * Exits non-zero (printing why) when a run fails.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { createMemoryBus } from '../../core/bus/memory.ts';
import { parseConfig } from '../../core/config.ts';
import { createLogger } from '../../core/log.ts';
import { startPipeline, type Pipeline } from '../../bin/compose/pipeline.ts';
import { createFsStore } from '../../core/store/fs.ts';
import { createCampaign } from '../../db/campaigns.ts';
import { connect } from '../../db/client.ts';
import { migrate } from '../../db/migrate.ts';
import { createScenario } from '../../db/scenarios.ts';
import { createScenarioScript } from '../../runner/model-double/scenario-script.ts';
import { startModelDouble } from '../../runner/model-double/server.ts';
import { createCleanup } from './lib/cleanup.ts';
import { benchServerUrl, createBenchDatabase } from './lib/database.ts';
import {
  gapPerStepMs,
  peakOverlap,
  runEnds,
  sessionTimings,
  slotWaits,
  stepTimings,
  type RunEnd,
  type SessionTiming,
  type StepTiming,
} from './lib/pipeline-facts.ts';
import { childrenCpuMs } from './lib/proc.ts';
import { median, percentile, round } from './lib/stats.ts';

const RUNS = Number(process.argv[2] ?? 20);
const CONCURRENCY = Number(process.argv[3] ?? 4);
const CAMPAIGNS = 4;
const ITERATIONS = { planningIterations: 1, implementationIterations: 1, validationFixes: 1 };
const TITLES = ['Order tracker', 'Invoice desk', 'Survey kiosk', 'Room booking', 'Stock ledger'];

class RunFailed extends Error {}

async function main(): Promise<void> {
  const cleanup = createCleanup();
  const loadBefore = loadavg()[0]!;
  try {
    const db = await createBenchDatabase(benchServerUrl());
    cleanup.add(() => db.drop());
    const sql = connect(db.url, { max: 10 });
    cleanup.add(() => sql.end({ timeout: 5 }));
    await migrate(sql);
    const dir = mkdtempSync(path.join(tmpdir(), 'sg-bench-pipe-'));
    chmodSync(dir, 0o755);
    cleanup.add(() => rmSync(dir, { recursive: true, force: true }));

    const config = parseConfig({
      DATA_DIR: dir,
      RUN_CONCURRENCY: String(CONCURRENCY),
      CAMPAIGN_CONCURRENCY: String(CONCURRENCY),
      LOG_LEVEL: 'warn',
      // Orchestration only: the runtime check's own cost is measured by test/bench/runtime.ts.
      RUN_CHECK: 'off',
    });
    const store = createFsStore(path.join(dir, 'objects'));
    await store.init();
    const bus = createMemoryBus();
    cleanup.add(() => bus.close());
    const double = await startModelDouble();
    cleanup.add(() => double.close());
    double.register('bench', createScenarioScript());
    const pipeline: Pipeline = await startPipeline({
      config,
      sql,
      store,
      bus,
      log: createLogger('warn'),
      env: { PATH: process.env.PATH, LANG: 'C.UTF-8' },
      demoModel: false,
      databaseUrl: db.url,
      agentEnv: {
        ANTHROPIC_BASE_URL: double.baseUrlFor('bench'),
        ANTHROPIC_API_KEY: 'sk-ant-bench-dummy',
        CLAUDE_CODE_MAX_RETRIES: '1',
      },
    });
    cleanup.add(() => pipeline.stop());

    const campaigns: string[] = [];
    for (let c = 0; c < CAMPAIGNS; c++)
      campaigns.push((await createCampaign(sql, { name: `Pipeline bench ${c + 1}` }, 'bench')).id);
    const newScenario = (i: number) =>
      createScenario(
        sql,
        {
          campaignId: campaigns[i % CAMPAIGNS]!,
          title: `${TITLES[i % TITLES.length]} ${i}`,
          request: 'Track orders in postgres and send a daily summary.',
          config: ITERATIONS,
        },
        'bench',
      );

    /** Starts the runs at once; resolves with the time they were requested and their final rows. */
    const runBatch = async (ids: string[]): Promise<{ t0: number; ends: RunEnd[] }> => {
      const t0 = Date.now();
      const runs = await Promise.all(
        ids.map(
          async (id) =>
            ((await pipeline.control.generate(id, 'bench', { trigger: 'bench' })) as { id: string })
              .id,
        ),
      );
      for (;;) {
        const ends = await runEnds(sql, runs);
        const failed = ends.filter((r) => r.status === 'failed' || r.status === 'cancelled');
        if (failed.length)
          throw new RunFailed(
            failed
              .map((r) => `run ${r.id}: ${r.status} (${r.failureClass}): ${r.error}`)
              .join('\n'),
          );
        if (ends.every((r) => r.status === 'succeeded')) return { t0, ends };
        if (Date.now() - t0 > 30 * 60_000)
          throw new RunFailed('the runs did not finish within 30 minutes');
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    const span = (b: { t0: number; ends: RunEnd[] }): number =>
      Math.max(...b.ends.map((r) => r.finishedAt!.getTime())) - b.t0;

    // CPU of reaped children (the CLI sessions) before/after each phase: what a session costs the machine.
    const cpu0 = childrenCpuMs();
    const single = await runBatch([(await newScenario(RUNS)).id]);
    const singleRunMs = span(single);
    const cpu1 = childrenCpuMs();
    const scenarios = await Promise.all(Array.from({ length: RUNS }, (_, i) => newScenario(i)));
    const batch = await runBatch(scenarios.map((s) => s.id));
    const totalMs = span(batch);
    const cpu2 = childrenCpuMs();
    const runIds = batch.ends.map((r) => r.id);

    const steps = await stepTimings(sql, runIds);
    const waits = await slotWaits(sql, runIds);
    const waitOf = (s: StepTiming) => waits.get(`${s.runId}/${s.stepKey}`) ?? 0;
    const overhead = steps.map((s) => s.stepMs - s.agentMs - waitOf(s)).sort((a, b) => a - b);
    const waited = [...waits.values()].sort((a, b) => a - b);
    const sessions = await sessionTimings(sql, runIds);
    const singleIds = single.ends.map((r) => r.id);
    const singleSessions = await sessionTimings(sql, singleIds);
    const singleSteps = await stepTimings(sql, singleIds);
    const wavesMs = Math.ceil(RUNS / CONCURRENCY) * singleRunMs;
    const cores = availableParallelism();
    const cpuFloorMs = Math.round((cpu2 - cpu1) / cores);
    console.log(
      JSON.stringify(
        {
          runs: RUNS,
          concurrency: CONCURRENCY,
          cores,
          totalMs,
          singleRunMs,
          cpuFloorMs,
          ratioToCpuFloor: round(totalMs / Math.max(1, cpuFloorMs), 2),
          wavesMs,
          ratioToWaves: round(totalMs / wavesMs, 2),
          perStepOverheadMs: { median: percentile(overhead, 50), p95: percentile(overhead, 95) },
          slotWait: {
            steps: waited.length,
            totalMs: Math.round(waited.reduce((a, b) => a + b, 0)),
            medianMs: waited.length ? Math.round(median(waited)) : 0,
          },
          sessions: sessions.length,
          sessionMedianMs: median(sessions.map((s) => s.durationMs)),
        },
        null,
        2,
      ),
    );
    process.stderr.write(
      `${JSON.stringify({
        ...diagnostics(steps, batch.ends, sessions),
        single: {
          sessions: singleSessions.length,
          sessionMedianMs: median(singleSessions.map((s) => s.durationMs)),
          cliCpuMsPerSession: round((cpu1 - cpu0) / Math.max(1, singleSessions.length), 0),
          overheadMsByStep: Object.fromEntries(
            singleSteps.map((s) => [s.stepKey, s.stepMs - s.agentMs]),
          ),
          gapPerStepMs: round(median(gapPerStepMs(singleSteps)), 1),
        },
        cliCpuMsPerSession: round((cpu2 - cpu1) / Math.max(1, sessions.length), 0),
        loadAverage1m: { before: round(loadBefore, 2), after: round(loadavg()[0]!, 2) },
      })}\n`,
    );
  } finally {
    await cleanup.run();
  }
}

/** Where the time went: overhead per step name, run wall times, how many ran at once (stderr). */
function diagnostics(
  steps: StepTiming[],
  ends: RunEnd[],
  sessions: SessionTiming[],
): Record<string, unknown> {
  const byStep = new Map<string, number[]>();
  const timeline: number[] = [];
  for (const s of steps) {
    const name = s.stepKey.replace(/-\d+$/, '-N');
    byStep.set(name, [...(byStep.get(name) ?? []), s.stepMs - s.agentMs]);
    if (s.timelineMs !== null) timeline.push(s.timelineMs - s.agentMs);
  }
  const wall = ends.map((r) => r.finishedAt!.getTime() - r.startedAt!.getTime());
  return {
    overheadMsByStep: Object.fromEntries(
      [...byStep].map(([k, v]) => [k, { n: v.length, median: median(v), max: Math.max(...v) }]),
    ),
    timelineOverheadMedianMs: median(timeline),
    gapPerStepMs: { median: round(median(gapPerStepMs(steps)), 1) },
    runWallMs: { median: median(wall), max: Math.max(...wall) },
    peakConcurrentRuns: peakOverlap(ends.map((r) => [r.startedAt!, r.finishedAt!])),
    peakConcurrentSessions: peakOverlap(sessions.map((s) => [s.startedAt, s.finishedAt])),
  };
}

await main().catch((e: unknown) => {
  process.stderr.write(
    e instanceof RunFailed
      ? `a run failed:\n${e.message}\n`
      : `bench failed: ${(e as Error)?.stack ?? String(e)}\n`,
  );
  process.exitCode = 1;
});
