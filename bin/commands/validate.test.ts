import { afterAll, describe, expect, it } from 'vitest';
import { copyFixture, type FixtureCopy } from '../../runner/validate/testkit.ts';
import type { CliIo } from '../command.ts';
import { command } from './validate.ts';

const copies: FixtureCopy[] = [];
afterAll(() => copies.forEach((c) => c.cleanup()));

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    env: {},
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
  });
});
