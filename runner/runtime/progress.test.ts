import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { resolveBoundary, type RunAs } from '../boundary/identity.ts';
import { runRuntimeCheck } from './check.ts';
import { createResourceProviders, type ResourceProviders } from './resources/providers.ts';
import { buildScenario, type BuiltScenario } from './testkit.ts';

/** What a pipeline stage sees while a check runs: progress lines, and cancelling it. */

let providers: ReturnType<typeof createResourceProviders>;
let runAs: RunAs | undefined;
let admin: postgres.Sql;
const built: BuiltScenario[] = [];

beforeAll(async () => {
  providers = createResourceProviders({
    postgresAdminUrl: inject('databaseUrl'),
    redisUrl: inject('redisUrl'),
  });
  const boundary = await resolveBoundary('scenario-agent');
  runAs = boundary.kind === 'user' ? boundary.runAs : undefined;
  admin = postgres(inject('databaseUrl'), { max: 1, onnotice: () => {} });
});
afterAll(async () => {
  await providers?.close();
  await admin?.end();
  for (const b of built) b.cleanup();
});

function scenario(): string {
  const s = buildScenario('runnable');
  built.push(s);
  return s.dir;
}

describe('a runtime check in progress', () => {
  it('reports each step as it finishes, servers when they start and how they ended', async () => {
    const lines: string[] = [];
    await runRuntimeCheck({
      dir: scenario(),
      profile: 'vrooli-2025-08-29',
      providers,
      env: process.env,
      ...(runAs ? { runAs } : {}),
      log: (l) => lines.push(l.replace(/ \(\d+ ms\)$/, '')),
    });
    expect(lines).toEqual([
      'runtime: initialization/initialization passed',
      'runtime: setup/add-data passed',
      'runtime: setup/check-qdrant passed',
      'runtime: develop/start-api started',
      'runtime: develop/start-worker started',
      'runtime: health/api_endpoint passed',
      'runtime: test/test-health passed',
      'runtime: test/test.sh passed',
      'runtime: develop/start-api passed',
      'runtime: develop/start-worker passed',
    ]);
  });

  it('an abort stops the run, cleans up and rejects with the reason', async () => {
    // The real provider, wrapped to learn the scratch database's name.
    const made: string[] = [];
    const real = providers.postgres!;
    const watched: ResourceProviders = {
      ...providers,
      postgres: {
        kind: 'postgres',
        provision: async (leaseMs) => {
          const scratch = await real.provision(leaseMs);
          made.push(scratch.database);
          return scratch;
        },
        reapExpired: () => real.reapExpired(),
        close: () => real.close(),
      },
    };
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('cancelled by test')), 400);
    await expect(
      runRuntimeCheck({
        dir: scenario(),
        profile: 'vrooli-2025-08-29',
        providers: watched,
        env: process.env,
        ...(runAs ? { runAs } : {}),
        signal: controller.signal,
      }),
    ).rejects.toThrow('cancelled by test');
    expect(made).toHaveLength(1);
    expect(await admin`select 1 from pg_database where datname = ${made[0]!}`).toHaveLength(0);
    expect(await admin`select 1 from pg_roles where rolname = ${made[0]!}`).toHaveLength(0);
  });
});
