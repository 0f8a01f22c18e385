import { existsSync, readdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import postgres from 'postgres';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { resolveBoundary, type RunAs } from '../boundary/identity.ts';
import { runRuntimeCheck } from './check.ts';
import { runProcesses } from './process/sweep.ts';
import { createResourceProviders } from './resources/providers.ts';
import { buildScenario, type BuiltScenario, type Variant } from './testkit.ts';
import type { RuntimeReport } from './types.ts';

/**
 * The runtime check end to end, on scenarios written by the tests, against the machine's real
 * Postgres and Redis: steps run as the agent user (these tests run as root, as CI does).
 */

const asRoot = process.getuid?.() === 0;
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

// A server secret in the environment the check is given: it must not reach the scenario.
const serverEnv = {
  ...process.env,
  SG_SECRET_CANARY: 'secret',
  DATABASE_URL: inject('databaseUrl'),
};

async function check(variant: Variant, profile = 'vrooli-2025-08-29'): Promise<RuntimeReport> {
  const s = buildScenario(variant);
  built.push(s);
  return runRuntimeCheck({
    dir: s.dir,
    profile,
    providers,
    ...(runAs ? { runAs } : {}),
    env: serverEnv,
    limits: { healthTimeoutMs: 15_000, stepTimeoutMs: 30_000 },
  });
}

const step = (r: RuntimeReport, phase: string, name: string) =>
  r.steps.find((s) => s.phase === phase && s.name === name);
const rules = (r: RuntimeReport) => r.findings.map((f) => f.ruleId);

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}

describe('the runtime check', () => {
  let runnable: RuntimeReport;
  let facts: Record<string, string>;

  beforeAll(async () => {
    runnable = await check('runnable');
    const tail = step(runnable, 'test', 'test.sh')?.outputTail ?? '';
    facts = Object.fromEntries([...tail.matchAll(/(\w+)=(\S+)/g)].map((m) => [m[1]!, m[2]!]));
  }, 60_000);

  it('runs a runnable scenario to evidence "tested": SQL, populate, server, health, tests', () => {
    expect(runnable.status, JSON.stringify(runnable, null, 1)).toBe('passed');
    expect(runnable.evidence).toBe('tested');
    expect(step(runnable, 'initialization', 'initialization')?.outputTail).toMatch(
      /schema\.sql: applied\n.*seed\.sql: applied/,
    );
    expect(step(runnable, 'setup', 'add-data')).toMatchObject({ status: 'passed' });
    expect(step(runnable, 'setup', 'check-qdrant')?.note).toMatch(/vrooli resource qdrant status/);
    expect(step(runnable, 'develop', 'start-api')).toMatchObject({
      status: 'passed',
      background: true,
    });
    expect(step(runnable, 'develop', 'start-api')?.outputTail).toMatch(
      /GET \/health HTTP\/1\.1" 200/,
    );
    expect(step(runnable, 'health', 'api_endpoint')).toMatchObject({ status: 'passed' });
    expect(step(runnable, 'test', 'test.sh')).toMatchObject({ status: 'passed', exitCode: 0 });
    expect(
      rules(runnable).filter(
        (r) => r !== 'runtime.isolation' && !r.startsWith('runtime.teardown.'),
      ),
    ).toEqual([]);
  });

  it('runs every step as the agent user, with a scratch HOME and none of the server environment', () => {
    if (asRoot) expect(facts['uid']).toBe(String(runAs!.uid));
    expect(facts['home']).toMatch(/\/sg-runtime-[^/]+\/\.home$/);
    // test.sh fails when SG_SECRET_CANARY or DATABASE_URL reach it; it passed.
    expect(step(runnable, 'test', 'test.sh')?.outputTail).toContain('all checks passed');
  });

  it('drops the scratch database and role, and flushes and releases the Redis database', async () => {
    const db = facts['db']!;
    expect(db).toMatch(/^sg_rt_[0-9a-f]{16}$/);
    expect(await admin`select 1 from pg_database where datname = ${db}`).toHaveLength(0);
    expect(await admin`select 1 from pg_roles where rolname = ${db}`).toHaveLength(0);
    const redisDb = Number(facts['redis']);
    expect(redisDb).toBeGreaterThan(0);
    const r = createClient({ url: inject('redisUrl'), database: redisDb });
    await r.connect();
    try {
      // test.sh wrote demo:<db> there (a name of its own: other checks may use the database now).
      expect(await r.exists(`demo:${db}`)).toBe(0);
    } finally {
      r.destroy();
    }
    const r0 = createClient({ url: inject('redisUrl') });
    await r0.connect();
    try {
      expect(await r0.exists(`sg:runtime:redis-db:${redisDb}`)).toBe(0);
    } finally {
      r0.destroy();
    }
  });

  it('leaves no process running: the server, and one that left its process group, are gone', async () => {
    expect(rules(runnable)).toContain('runtime.teardown.stray-processes');
    expect(runProcesses(runnable.runId)).toEqual([]);
    expect(await answers(Number(facts['port']))).toBe(false);
    // The isolated copy (HOME was inside it) is removed.
    expect(existsSync(path.dirname(facts['home']!))).toBe(false);
  });

  it('never changes the original folder', () => {
    const original = runnable.scenario.dir;
    expect(existsSync(`${original}/scripts`)).toBe(false);
    expect(readdirSync(original).sort()).toEqual([
      '.vrooli',
      'README.md',
      'api',
      'initialization',
      'test.sh',
    ]);
  });

  it('an SQL syntax error is a finding naming the file and line; nothing else runs', async () => {
    const r = await check('sql-error');
    expect(r.status).toBe('failed');
    expect(r.evidence).toBe('structure');
    const f = r.findings.find((x) => x.ruleId === 'runtime.sql.error');
    expect(f).toMatchObject({ severity: 'error', file: 'initialization/postgres/schema.sql' });
    expect(f?.message).toMatch(/at line 5, column 1: syntax error at or near "\)"/);
    expect(
      r.steps.filter((s) => s.phase !== 'initialization').every((s) => s.status === 'skipped'),
    ).toBe(true);
  });

  it('an error without a position (a duplicate key in seed data) is located by statement', async () => {
    const r = await check('seed-error');
    const f = r.findings.find((x) => x.ruleId === 'runtime.sql.error');
    expect(f).toMatchObject({ file: 'initialization/postgres/seed.sql' });
    expect(f?.message).toMatch(/at line 3: duplicate key value/);
  });

  it('develop starting a binary setup never builds fails, with the missing file named', async () => {
    const started = Date.now();
    const r = await check('unbuilt-binary');
    expect(r.status).toBe('failed');
    expect(r.evidence).toBe('structure');
    const f = r.findings.find((x) => x.ruleId === 'runtime.develop.exited');
    expect(f).toMatchObject({
      jsonPath: '$.lifecycle.develop.steps[0]',
      file: '.vrooli/service.json',
    });
    expect(f?.message).toMatch(/exited with code 127: .*\.\/demo-api: No such file or directory/);
    expect(f?.hint).toMatch(/no setup step builds it/);
    expect(step(r, 'health', 'api_endpoint')?.status).toBe('failed');
    expect(step(r, 'test', 'test.sh')?.status).toBe('skipped');
    // Health polling stops once the server exited instead of waiting out its timeout.
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('a failing test fails the check at evidence "ran"', async () => {
    const r = await check('failing-test');
    expect(r.status).toBe('failed');
    expect(r.evidence).toBe('ran');
    expect(r.findings.find((x) => x.ruleId === 'runtime.test.failed')).toMatchObject({
      jsonPath: '$.lifecycle.test.steps[1]',
      message: expect.stringMatching(/test-items" exited with code 22/),
    });
  });

  it('a required resource this machine lacks (ollama) is not exercised, never passed', async () => {
    const r = await check('needs-ollama');
    expect(r.status).toBe('not-exercised');
    expect(r.evidence).toBe('structure');
    expect(r.missing).toEqual([expect.stringMatching(/^resource ollama: /)]);
    expect(r.resources.find((x) => x.name === 'ollama')).toMatchObject({
      status: 'missing',
      required: true,
    });
    expect(
      r.steps.filter((s) => s.phase !== 'initialization').every((s) => s.status === 'skipped'),
    ).toBe(true);
  });

  it('a step needing a toolchain this machine lacks (go) is not exercised, with what was missing', async () => {
    const r = await check('needs-go');
    expect(r.status).toBe('not-exercised');
    expect(step(r, 'setup', 'build-api')).toMatchObject({
      status: 'not-exercised',
      missing: ['go (not installed on this machine)'],
    });
    expect(r.missing).toEqual(['go (not installed on this machine)']);
  });

  it('2025-08-07 (no lifecycle): initialization.data is applied, then test.sh runs', async () => {
    const r = await check('era-0807', 'vrooli-2025-08-07');
    expect(r, JSON.stringify(r.findings)).toMatchObject({ status: 'passed', evidence: 'tested' });
    expect(r.steps.map((s) => `${s.phase}/${s.name}:${s.status}`)).toEqual([
      'initialization/initialization:passed',
      'test/test.sh:passed',
    ]);
    expect(step(r, 'initialization', 'initialization')?.outputTail).toContain(
      'resources.storage.postgres.initialization.data',
    );
  });
});
