import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { buildScenario, type BuiltScenario, type Variant } from '../../runner/runtime/testkit.ts';
import { copyFixture, type FixtureCopy } from '../../runner/validate/testkit.ts';
import type { CliIo } from '../command.ts';
import { command } from './validate.ts';

const copies: FixtureCopy[] = [];
const built: BuiltScenario[] = [];
afterAll(() => {
  copies.forEach((c) => c.cleanup());
  built.forEach((b) => b.cleanup());
});

async function cli(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    env,
    signal: new AbortController().signal,
  };
  const code = await command.run(args, io);
  return { code, stdout, stderr };
}

function fixture(name: string): string {
  const c = copyFixture(name);
  copies.push(c);
  return c.dir;
}

describe('scenario-gen validate', () => {
  it('exits 0 for a valid scenario, with tagged lines', async () => {
    const r = await cli([fixture('2025-08-07_campaign-content-studio')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^\[INFO\] {4}Validating scenario campaign-content-studio with profile vrooli-2025-08-07 \(rules 1\.1\.0\)\n/,
    );
    expect(r.stdout.trimEnd().split('\n').at(-1)).toMatch(
      /^\[SUCCESS\] Scenario campaign-content-studio is structurally valid \(/,
    );
    expect(r.stderr).toBe('');
    // The check reads files; it never claims more than that.
    expect(r.stdout).not.toMatch(/deployable|is valid|is invalid/);
  });

  it('exits 1 for an invalid scenario', async () => {
    const r = await cli([fixture('2025-08-07_secure-document-processing_BROKEN')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      '[ERROR]   Referenced file not found: initialization/storage/seed.sql',
    );
  });

  it('--profile and --json give the versioned report', async () => {
    const r = await cli([
      fixture('2025-08-29_system-monitor_BROKEN'),
      '--profile',
      'vrooli-2025-08-29',
      '--json',
    ]);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as {
      schemaVersion: number;
      valid: boolean;
      profile: string;
      findings: { ruleId: string }[];
    };
    expect(report).toMatchObject({ schemaVersion: 1, valid: false, profile: 'vrooli-2025-08-29' });
    expect(report.findings.map((f) => f.ruleId)).toContain('ports.fallback');
  });

  it('--name overrides the folder name (and 2025-08-29 compares it with service.name)', async () => {
    const dir = fixture('2025-08-29_simple-test');
    expect((await cli([dir, '--profile', 'vrooli-2025-08-29'])).code).toBe(0);
    const r = await cli([dir, '--profile', 'vrooli-2025-08-29', '--name', 'other-name', '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).findings.map((f: { ruleId: string }) => f.ruleId)).toContain(
      'service.name-mismatch',
    );
  });

  it.each([
    [
      'an unknown profile',
      (d: string) => [d, '--profile', 'vrooli-1999-01-01'],
      /Unknown profile "vrooli-1999-01-01"/,
    ],
    ['a missing folder', () => ['/nonexistent/scenario-x'], /was not found/],
    ['no folder', () => [], /Expected exactly one scenario folder/],
    ['two folders', (d: string) => [d, d], /Expected exactly one scenario folder/],
    ['an unknown option', (d: string) => [d, '--bogus'], /Unknown option '--bogus'/],
  ])('exits 2 for %s', async (_, args, message) => {
    const r = await cli(args(fixture('2025-08-29_simple-test')));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });

  it('--help prints the usage with the known profiles', async () => {
    const r = await cli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('vrooli-2025-08-07');
    expect(r.stdout).toContain('vrooli-2025-08-29');
    expect(r.stdout).toContain('0 structurally valid, 1 not structurally valid');
    expect(r.stdout).toContain('3 structurally valid but not exercised');
  });
});

describe('scenario-gen validate --run', () => {
  const services = () => ({
    PATH: process.env.PATH,
    DATABASE_URL: inject('databaseUrl'),
    REDIS_URL: inject('redisUrl'),
  });
  const scenario = (variant: Variant): string => {
    const b = buildScenario(variant);
    built.push(b);
    return b.dir;
  };
  const run = (variant: Variant, extra: string[] = [], env: NodeJS.ProcessEnv = services()) =>
    cli([scenario(variant), '--run', '--profile', 'vrooli-2025-08-29', ...extra], env);

  it('exits 0 when it ran and its tests passed; the JSON report gains a runtime object', async () => {
    const r = await run('runnable', ['--json']);
    expect(r.code, r.stdout).toBe(0);
    const report = JSON.parse(r.stdout) as {
      valid: boolean;
      runtime: { status: string; evidence: string; steps: { name: string; status: string }[] };
    };
    expect(report.valid).toBe(true);
    expect(report.runtime).toMatchObject({ status: 'passed', evidence: 'tested' });
    expect(report.runtime.steps).toContainEqual(
      expect.objectContaining({ name: 'test.sh', status: 'passed' }),
    );
  }, 60_000);

  it('exits 1 when a test fails, with the finding in the tagged output', async () => {
    const r = await run('failing-test');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/\[ERROR\] {3}lifecycle\.test step "test-items" exited with code 22/);
    expect(r.stdout.trimEnd().split('\n').at(-1)).toMatch(
      /failed the runtime check \(evidence: ran\)/,
    );
  }, 60_000);

  it('exits 3 when a required resource is missing here (ollama): not exercised, never passed', async () => {
    const r = await run('needs-ollama');
    expect(r.code).toBe(3);
    expect(r.stdout.trimEnd().split('\n').at(-1)).toMatch(
      /^\[WARNING\] Scenario demo-items was not exercised: resource ollama: .* \(evidence: structure\)$/,
    );
  }, 60_000);

  it('exits 3 when Redis is required but no REDIS_URL is configured, and says so', async () => {
    const { REDIS_URL: _, ...noRedis } = services();
    const r = await run('runnable', ['--json'], noRedis);
    expect(r.code).toBe(3);
    expect(JSON.parse(r.stdout).runtime.missing).toEqual([
      'resource redis: no Redis server is configured (REDIS_URL)',
    ]);
  }, 60_000);

  it('without DATABASE_URL, scratch databases go to the embedded Postgres under DATA_DIR', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'sg-validate-data-'));
    try {
      const { DATABASE_URL: _, ...env } = services();
      const r = await run('runnable', ['--json'], { ...env, DATA_DIR: dataDir });
      expect(r.code, r.stdout).toBe(0);
      expect(r.stderr).toContain(
        `DATABASE_URL is unset: scratch databases go to the embedded Postgres under ${dataDir}`,
      );
      expect(JSON.parse(r.stdout).runtime).toMatchObject({ status: 'passed', evidence: 'tested' });
      // The embedded server asks for passwords: no trust-authentication note, unlike the test server.
      expect(r.stdout).not.toContain('trust authentication');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);

  it('exits 1 without running a scenario that is not structurally valid', async () => {
    const r = await run('unbuilt-binary', ['--json']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as { valid: boolean; runtime: unknown };
    expect(report).toMatchObject({ valid: false, runtime: null });
  });
});
