/**
 * Benchmark: the runtime check's own overhead beyond the scenario's steps — copying the scenario,
 * provisioning a scratch Postgres database and role and a Redis database, free ports, stand-ins,
 * and the teardown that stops processes and drops it all. Target: under 1 s per check.
 *
 * It runs two scenarios several times, as the agent user when run as root:
 * - `resourcesOnly`: Postgres + Redis and no steps (nearly all of its time is overhead);
 * - `runnable`: the test scenario with SQL, a server, health checks and tests (overhead is its
 *   total minus the time its steps took).
 * Prints `{ runs, resourcesOnly: {...}, runnable: {...}, maxRssMb }` with medians and p95s in ms.
 *
 *   node test/bench/runtime.ts [runs]
 *
 * Servers: BENCH_DATABASE_URL / DATABASE_URL (default: the test Postgres) and REDIS_URL
 * (default redis://127.0.0.1:6379).
 */
import { resolveBoundary } from '../../runner/boundary/identity.ts';
import { runRuntimeCheck } from '../../runner/runtime/check.ts';
import { createResourceProviders } from '../../runner/runtime/resources/providers.ts';
import { buildScenario, type Variant } from '../../runner/runtime/testkit.ts';
import type { RuntimeReport } from '../../runner/runtime/types.ts';
import { benchServerUrl } from './lib/database.ts';
import { median, percentile, round } from './lib/stats.ts';

const runs = Number(process.argv[2] ?? 10);
const providers = createResourceProviders({
  postgresAdminUrl: benchServerUrl(),
  redisUrl: process.env.REDIS_URL || 'redis://127.0.0.1:6379',
});
const boundary = await resolveBoundary(process.env.AGENT_USER || 'scenario-agent');
const runAs = boundary.kind === 'user' ? boundary.runAs : undefined;

async function once(variant: Variant): Promise<RuntimeReport> {
  const s = buildScenario(variant);
  try {
    const r = await runRuntimeCheck({
      dir: s.dir,
      profile: 'vrooli-2025-08-29',
      providers,
      env: process.env,
      ...(runAs ? { runAs } : {}),
    });
    if (r.status !== 'passed')
      throw new Error(`${variant} should pass: ${JSON.stringify(r.findings.slice(0, 3))}`);
    return r;
  } finally {
    s.cleanup();
  }
}

function summary(reports: RuntimeReport[]): Record<string, number> {
  const stat = (pick: (r: RuntimeReport) => number) => {
    const values = reports.map(pick).sort((a, b) => a - b);
    return { median: round(median(values)), p95: round(percentile(values, 95)) };
  };
  const overhead = stat((r) => r.timings.totalMs - r.timings.stepsMs);
  const prepare = stat((r) => r.timings.prepareMs);
  const teardown = stat((r) => r.timings.teardownMs);
  const steps = stat((r) => r.timings.stepsMs);
  return {
    overheadMedianMs: overhead.median,
    overheadP95Ms: overhead.p95,
    prepareMedianMs: prepare.median,
    prepareP95Ms: prepare.p95,
    teardownMedianMs: teardown.median,
    teardownP95Ms: teardown.p95,
    stepsMedianMs: steps.median,
  };
}

try {
  await once('trivial'); // warm: connections, the trust probe, the agent user
  const trivial: RuntimeReport[] = [];
  const runnable: RuntimeReport[] = [];
  for (let i = 0; i < runs; i++) trivial.push(await once('trivial'));
  for (let i = 0; i < runs; i++) runnable.push(await once('runnable'));
  console.log(
    JSON.stringify({
      runs,
      asUser: runAs?.user ?? null,
      resourcesOnly: summary(trivial),
      runnable: summary(runnable),
      maxRssMb: round(process.resourceUsage().maxRSS / 1024),
    }),
  );
} finally {
  await providers.close();
}
