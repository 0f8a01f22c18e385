/**
 * Benchmark: list-by-campaign latency of the real server under a steady open-loop load.
 *
 * Creates a database of its own (CREATE DATABASE sg_bench_<random> on BENCH_DATABASE_URL /
 * DATABASE_URL, default the test Postgres; dropped at the end, also on failure), starts
 * `node bin/scenario-gen.ts start` as a second process on it (PORT=0, a temp DATA_DIR, no demo
 * model), seeds 10,000 scenarios across 20 campaigns, then sends
 * GET /api/scenarios?campaign=<id>&limit=50 (rotating campaigns, some with sort/offset) at a fixed
 * rate, scheduled by the clock and never waiting for answers, over keep-alive connections; one
 * request in ten is a control, GET /api/health, whose latency in the same run is the floor the
 * machine and the HTTP stack set (lib/api-load.ts).
 * Latency is measured from each request's *scheduled* send time to its last body byte, so a stall
 * is not hidden by sending later (no coordinated omission). The server's VmRSS is sampled every
 * 500 ms. A warm-up of 2 s at the same rate precedes the measured window and is not counted.
 *
 *   node test/bench/api.ts [seconds=20] [rps=200]
 *
 * Prints `{ requests, rps, errors, latencyMs: { p50, p90, p99, max } (list requests),
 * controlLatencyMs (the same for the controls), serverRssMb: { start, max, end }, seeded:
 * { campaigns, scenarios } }` on stdout; diagnostics (CPU per request of the server,
 * its Postgres backends and this process; load average; RSS series; p99 per second; error causes)
 * go to stderr. Targets: p99 < 20 ms, server RSS < 200 MB. Exits non-zero when a request failed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { connect } from '../../db/client.ts';
import { createCleanup } from './lib/cleanup.ts';
import { benchServerUrl, createBenchDatabase } from './lib/database.ts';
import { seedScenarios } from './lib/seed.ts';
import { cpuMs, rssMb } from './lib/proc.ts';
import { startServer } from './lib/server.ts';
import { round } from './lib/stats.ts';
import { latencies, openLoop, p99BySecond } from './lib/api-load.ts';

const SECONDS = Number(process.argv[2] ?? 20);
const RPS = Number(process.argv[3] ?? 200);
const WARMUP_SECONDS = 2;
const CAMPAIGNS = 20;
const PER_CAMPAIGN = 500;

async function main(): Promise<void> {
  const cleanup = createCleanup();
  const loadBefore = loadavg()[0]!;
  try {
    const db = await createBenchDatabase(benchServerUrl());
    cleanup.add(() => db.drop());
    const dataDir = mkdtempSync(path.join(tmpdir(), 'sg-bench-api-'));
    cleanup.add(() => rmSync(dataDir, { recursive: true, force: true }));

    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const k of Object.keys(env))
      if (/^(REDIS_|S3_|INNGEST_|ACCESS_TOKEN|HOST$|CLAUDE_CODE_OAUTH_TOKEN)/.test(k))
        delete env[k];
    Object.assign(env, {
      DATABASE_URL: db.url,
      PORT: '0',
      DATA_DIR: dataDir,
      SEED_SAMPLES: 'false',
      LOG_LEVEL: 'warn',
      DEMO_MODEL: 'off',
      ANTHROPIC_API_KEY: 'sk-ant-bench-dummy',
    });
    const server = await startServer(env);
    cleanup.add(() => server.stop());

    const sql = connect(db.url, { max: 4 });
    cleanup.add(() => sql.end({ timeout: 5 }));
    const seeded = await seedScenarios(sql, CAMPAIGNS, PER_CAMPAIGN);

    const rss: number[] = [];
    const sample = (): void => void rss.push(rssMb(server.pid) ?? NaN);
    sample();
    const start = rss[0]!;
    const sampler = setInterval(sample, 500);
    cleanup.add(() => clearInterval(sampler));

    await openLoop(server.url, seeded.campaigns, WARMUP_SECONDS * RPS, RPS);
    // The server's Postgres backends (its pool, warm after the warm-up), to see what the database costs.
    const backends = (
      await sql<
        { pid: number }[]
      >`SELECT pid FROM pg_stat_activity WHERE datname = ${db.name} AND pid <> pg_backend_pid()`
    ).map((r) => r.pid);
    const pgCpu = (): number => backends.reduce((sum, pid) => sum + (cpuMs(pid) ?? 0), 0);
    const t0 = performance.now();
    const cpu0 = { server: cpuMs(server.pid) ?? 0, bench: process.cpuUsage(), pg: pgCpu() };
    const samples = await openLoop(
      server.url,
      seeded.campaigns,
      SECONDS * RPS,
      RPS,
      WARMUP_SECONDS * RPS,
    );
    const elapsed = (performance.now() - t0) / 1000;
    const list = samples.filter((s) => !s.control);
    clearInterval(sampler);
    sample();
    await sql.end({ timeout: 5 });
    // Diagnostics on stderr (stdout stays the one JSON document): where the CPU went, how busy the machine was.
    const bench = process.cpuUsage(cpu0.bench);
    process.stderr.write(
      `${JSON.stringify({
        // All the server's CPU over the list requests only (the controls' share counted as theirs).
        serverCpuMsPerRequest: round(((cpuMs(server.pid) ?? 0) - cpu0.server) / list.length, 2),
        benchCpuMsPerRequest: round((bench.user + bench.system) / 1000 / samples.length, 2),
        postgresCpuMsPerRequest: round((pgCpu() - cpu0.pg) / list.length, 2),
        postgresBackends: backends.length,
        loadAverage1m: { before: round(loadBefore, 2), after: round(loadavg()[0]!, 2) },
        rssMbSeries: rss.map((r) => round(r, 0)),
        p99MsBySecond: p99BySecond(samples),
        errorsBy: samples.reduce<Record<string, number>>(
          (acc, x) => (x.why ? { ...acc, [x.why]: (acc[x.why] ?? 0) + 1 } : acc),
          {},
        ),
      })}\n`,
    );

    const errors = samples.filter((s) => !s.ok).length;
    console.log(
      JSON.stringify(
        {
          requests: samples.length,
          rps: round(samples.length / elapsed),
          errors,
          latencyMs: latencies(list),
          // The control (GET /api/health, 1 request in 10) in the same run: the machine's floor.
          controlLatencyMs: latencies(samples.filter((s) => s.control)),
          serverRssMb: {
            start: round(start),
            max: round(Math.max(...rss.filter(Number.isFinite))),
            end: round(rss.at(-1) ?? NaN),
          },
          seeded: { campaigns: seeded.campaigns.length, scenarios: seeded.scenarios },
        },
        null,
        2,
      ),
    );
    if (errors > 0) {
      const ended = server.exited();
      process.stderr.write(
        `${errors} request(s) failed${ended ? `; the server ended (${ended})` : ''}\n${server.stderr().slice(-4000)}`,
      );
      process.exitCode = 1;
    }
  } finally {
    await cleanup.run();
  }
}

await main().catch((e: unknown) => {
  process.stderr.write(`bench failed: ${(e as Error)?.stack ?? String(e)}\n`);
  process.exitCode = 1;
});
