/**
 * Benchmark: the analytics page's API and the forecast's retraining on a large history.
 *
 *   node test/bench/analytics.ts [requests=200]
 *
 * Creates a database of its own (BENCH_DATABASE_URL / DATABASE_URL, default the test Postgres;
 * dropped at the end), starts the real server on it (`node bin/scenario-gen.ts start`, the flags
 * of `npm start`), and seeds 20 campaigns, 50,000 scenarios, 100,000 finished runs over a year
 * and 100,000 validation results holding 1,000,000 findings (400,000 errors over 300 signatures,
 * skewed) through the database's own triggers, so run_stats and the recurring-problem tables are
 * built the way they are in use. Then it sends each analytics request `requests` times in turn
 * (after a warm-up that trains the forecast) and times retraining in this process: loading the
 * history and fitting the model, three times.
 *
 * The server answers the overview from a cache refreshed behind the answer when runs finish
 * (functions/learning/answer-cache.ts; recurring problems too), so `latencyMs` is what page loads see; `uncachedMs`
 * times the queries behind a fresh answer (a key's first request, every refresh) in this process.
 *
 * Prints `{ seeded, seedSeconds, latencyMs: { <request>: { p50, p99, max } }, uncachedMs,
 * retrain: { loadMs, fitMs, totalMs } }`. Targets: every analytics request p99 < 150 ms;
 * retraining < 2 s.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { trainForecast } from '../../core/learning/forecast.ts';
import { connect } from '../../db/client.ts';
import { forecastHistory } from '../../db/forecast-data.ts';
import { createForecaster } from '../../functions/learning/forecaster.ts';
import { analyticsOverview } from '../../functions/learning/overview.ts';
import { recurringProblems } from '../../functions/learning/problems.ts';
import { createCleanup } from './lib/cleanup.ts';
import { benchServerUrl, createBenchDatabase } from './lib/database.ts';
import { startServer } from './lib/server.ts';
import { median, percentile, round } from './lib/stats.ts';
import { seedHistory } from './lib/seed-history.ts';

const REQUESTS = Number(process.argv[2] ?? 200);
const log = (m: string) => process.stderr.write(`${m}\n`);

async function timeRequest(url: string, init?: RequestInit): Promise<number> {
  const t = performance.now();
  const res = await fetch(url, init);
  await res.arrayBuffer();
  if (!res.ok) throw new Error(`${init?.method ?? 'GET'} ${url}: ${res.status}`);
  return performance.now() - t;
}

const cleanup = createCleanup();
try {
  const db = await createBenchDatabase(benchServerUrl());
  cleanup.add(() => db.drop());
  const dataDir = mkdtempSync(path.join(tmpdir(), 'sg-bench-analytics-'));
  cleanup.add(() => rmSync(dataDir, { recursive: true, force: true }));
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(env))
    if (/^(REDIS_|S3_|INNGEST_|ACCESS_TOKEN|HOST$|CLAUDE_CODE_OAUTH_TOKEN)/.test(k)) delete env[k];
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
  const sql = connect(db.url, { max: 5 });
  cleanup.add(() => sql.end({ timeout: 5 }));

  const t0 = performance.now();
  const seeded = await seedHistory(sql, log);
  const seedSeconds = round((performance.now() - t0) / 1000, 1);
  const campaign = seeded.campaignIds[0]!;

  const requests: Record<string, () => Promise<number>> = {
    'overview (all campaigns, 90 days)': () => timeRequest(`${server.url}/api/analytics/overview`),
    'overview (one campaign, 90 days)': () =>
      timeRequest(`${server.url}/api/analytics/overview?campaign=${campaign}`),
    'overview (all campaigns, 365 days)': () =>
      timeRequest(`${server.url}/api/analytics/overview?days=365`),
    'problems (all campaigns)': () => timeRequest(`${server.url}/api/analytics/problems`),
    'problems (one campaign)': () =>
      timeRequest(`${server.url}/api/analytics/problems?campaign=${campaign}`),
    prediction: () =>
      timeRequest(`${server.url}/api/predictions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          campaignId: campaign,
          request: 'A finance dashboard with postgres and redis',
          category: 'finance',
          complexity: 'intermediate',
        }),
      }),
  };
  const firstMs = round(await requests['overview (all campaigns, 90 days)']!(), 0);
  for (const run of Object.values(requests)) for (let i = 0; i < 5; i++) await run();
  const samples: Record<string, number[]> = {};
  for (let i = 0; i < REQUESTS; i++)
    for (const [name, run] of Object.entries(requests)) (samples[name] ??= []).push(await run());
  const latencyMs = Object.fromEntries(
    Object.entries(samples).map(([name, xs]) => {
      const s = [...xs].sort((a, b) => a - b);
      return [
        name,
        { p50: round(percentile(s, 50)), p99: round(percentile(s, 99)), max: round(s.at(-1)!) },
      ];
    }),
  );

  // The queries behind an answer the server has not cached yet (its first request per campaign
  // and window, and each background refresh after a run finishes), timed without the cache.
  const forecaster = createForecaster({ sql, defaultProfile: 'vrooli-2025-08-07' });
  await forecaster.model();
  const uncachedMs: Record<string, { p50: number; p99: number; max: number }> = {};
  const uncached: Array<[string, () => Promise<unknown>]> = [
    ['overview (all campaigns, 90 days)', () => analyticsOverview(sql, forecaster, { days: 90 })],
    [
      'overview (one campaign, 90 days)',
      () => analyticsOverview(sql, forecaster, { days: 90, campaignId: campaign }),
    ],
    ['overview (all campaigns, 365 days)', () => analyticsOverview(sql, forecaster, { days: 365 })],
    ['problems (all campaigns)', () => recurringProblems(sql, { limit: 100 })],
    ['problems (one campaign)', () => recurringProblems(sql, { limit: 100, campaignId: campaign })],
  ];
  for (const [name, run] of uncached) {
    const xs: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t = performance.now();
      await run();
      xs.push(performance.now() - t);
    }
    xs.sort((a, b) => a - b);
    uncachedMs[name] = {
      p50: round(percentile(xs, 50)),
      p99: round(percentile(xs, 99)),
      max: round(xs.at(-1)!),
    };
  }
  forecaster.close();

  const loads: number[] = [];
  const fits: number[] = [];
  let n = 0;
  for (let i = 0; i < 3; i++) {
    const a = performance.now();
    const history = await forecastHistory(sql);
    const b = performance.now();
    const model = trainForecast(history);
    fits.push(performance.now() - b);
    loads.push(b - a);
    n = model.n;
    if (i === 0) log(`forecast: n=${n} skill=${model.calibration?.skill.toFixed(3)}`);
  }
  const retrain = {
    runs: n,
    loadMs: round(median(loads), 0),
    fitMs: round(median(fits), 0),
    totalMs: round(median(loads.map((l, i) => l + fits[i]!)), 0),
  };
  const p99s = Object.values(latencyMs).map((l) => l.p99);
  console.log(
    JSON.stringify(
      {
        seeded: seeded.counts,
        seedSeconds,
        requestsEach: REQUESTS,
        firstOverviewMs: firstMs,
        latencyMs,
        uncachedMs,
        retrain,
        targets: {
          apiP99Under150: Math.max(...p99s) < 150,
          retrainUnder2s: retrain.totalMs < 2000,
        },
      },
      null,
      2,
    ),
  );
} finally {
  await cleanup.run();
}
