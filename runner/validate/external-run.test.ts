import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runExternalValidator, type ExternalValidatorOptions } from './external/run.ts';
import { copyFixture, type FixtureCopy } from './testkit.ts';

/**
 * The external validator end to end: a real command (a small bash script written here, shaped
 * like scenario-to-app.sh: a scenario *name* argument, the scenario looked up under
 * $VROOLI_ROOT, tagged lines on stdout) run on an isolated copy of a real fixture.
 */

const SCRIPT = `#!/usr/bin/env bash
name="$1"; mode="$2"
dir="$VROOLI_ROOT/scripts/scenarios/core/$name"
echo "[INFO]    Scenario: $name"
echo "[INFO]    root=$VROOLI_ROOT home=$HOME secret=\${SECRET:-unset}"
if [ ! -f "$dir/.vrooli/service.json" ]; then echo "[ERROR]   Scenario directory not found: $dir"; exit 1; fi
case "$mode" in
  ok) echo "[SUCCESS] Scenario directory found: $dir"; exit 0 ;;
  error-exit0) echo "[ERROR]   Referenced file not found: initialization/storage/schema.sql"; echo "[ERROR]     Expected at: $dir/initialization/storage/schema.sql"; exit 0 ;;
  emoji) echo "ℹ️  Phase 1"; echo "❌ Referenced file not found: initialization/x.json"; exit 0 ;;
  exit3) echo "[WARNING] something odd"; exit 3 ;;
  stderr) echo "[ERROR]   on stderr" >&2; exit 0 ;;
  sleep) sleep 30 ;;
  vandal) rm -rf "$dir/initialization"; echo "[SUCCESS] removed"; exit 0 ;;
  flood) for i in $(seq 1 5000); do echo "[INFO]    line $i of a long and verbose output"; done; echo "[ERROR]   the last line is an error"; exit 0 ;;
esac
`;

let tools: string;
let script: string;
let fixture: FixtureCopy;
beforeAll(() => {
  tools = mkdtempSync(path.join(tmpdir(), 'sg-extval-test-'));
  script = path.join(tools, 'fake-scenario-to-app.sh');
  writeFileSync(script, SCRIPT, { mode: 0o755 });
  fixture = copyFixture('2025-08-07_campaign-content-studio');
});
afterAll(() => {
  rmSync(tools, { recursive: true, force: true });
  fixture.cleanup();
});

function run(mode: string, extra: Partial<ExternalValidatorOptions> = {}) {
  return runExternalValidator({
    command: ['bash', script, '{name}', mode],
    scenarioDir: fixture.dir,
    name: fixture.name,
    layout: `scripts/scenarios/core/${fixture.name}`,
    timeoutMs: 20_000,
    env: { PATH: process.env['PATH'], SECRET: 'do-not-pass' },
    ...extra,
  });
}

const errorRules = (r: { findings: { severity: string; ruleId: string }[] }) =>
  r.findings.filter((f) => f.severity === 'error').map((f) => f.ruleId);

describe('runExternalValidator', () => {
  it('passes a clean run, with the scenario placed where the script looks for it', async () => {
    const r = await run('ok');
    expect(r.exitCode).toBe(0);
    expect(r.passed).toBe(true);
    expect(r.command).toEqual(['bash', script, 'campaign-content-studio', 'ok']);
    expect(r.output).toContain('[SUCCESS] Scenario directory found:');
  });

  it('fails on error lines even when the command exits 0', async () => {
    const r = await run('error-exit0');
    expect(r.exitCode).toBe(0);
    expect(r.passed).toBe(false);
    expect(
      r.findings
        .filter((f) => f.severity === 'error')
        .map((f) => [f.ruleId, f.message, f.signature]),
    ).toEqual([
      [
        'external',
        'Referenced file not found: initialization/storage/schema.sql',
        'external:Referenced file not found: <path>',
      ],
    ]);
  });

  it('reads the emoji style', async () => {
    const r = await run('emoji');
    expect(r.passed).toBe(false);
    expect(errorRules(r)).toEqual(['external']);
  });

  it('reads stderr too', async () => {
    const r = await run('stderr');
    expect(r.passed).toBe(false);
  });

  it('fails a non-zero exit without error lines, with a finding of its own', async () => {
    const r = await run('exit3');
    expect(r.exitCode).toBe(3);
    expect(r.passed).toBe(false);
    expect(errorRules(r)).toEqual(['external.exit-code']);
  });

  it('fails when the scenario is not at the layout the command expects', async () => {
    const r = await run('ok', { layout: `scenarios/${fixture.name}` });
    expect(r.passed).toBe(false);
    expect(r.findings.find((f) => f.severity === 'error')?.message).toMatch(
      /^Scenario directory not found: /,
    );
  });

  it('stops a command that runs too long', async () => {
    const started = Date.now();
    const r = await run('sleep', { timeoutMs: 500 });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(r.timedOut).toBe(true);
    expect(errorRules(r)).toEqual(['external.timeout']);
  });

  it('reports a command that cannot start', async () => {
    const r = await run('ok', { command: [path.join(tools, 'no-such-program')] });
    expect(r.passed).toBe(false);
    expect(errorRules(r)).toEqual(['external.spawn']);
  });

  it('passes only allow-listed variables, with a HOME and VROOLI_ROOT of its own, and cleans up', async () => {
    const r = await run('ok');
    const m = /root=(\S+) home=(\S+) secret=(\S+)/.exec(r.output);
    expect(m?.[3]).toBe('unset');
    expect(m?.[2]).toBe(path.join(m![1]!, '.home'));
    expect(m?.[1]).not.toBe(path.dirname(fixture.dir));
    expect(existsSync(m![1]!)).toBe(false);
    const withSecret = await run('ok', { envAllow: ['PATH', 'SECRET'] });
    expect(withSecret.output).toContain('secret=do-not-pass');
  });

  it('works on a copy: what the command does cannot touch the scenario', async () => {
    const r = await run('vandal');
    expect(r.passed).toBe(true);
    expect(existsSync(path.join(fixture.dir, 'initialization/storage/schema.sql'))).toBe(true);
  });

  it('keeps a bounded output but parses every line', async () => {
    const r = await run('flood', { maxOutputBytes: 2000 });
    expect(r.outputTruncated).toBe(true);
    expect(Buffer.byteLength(r.output)).toBeLessThanOrEqual(2000);
    expect(r.passed).toBe(false);
    expect(r.findings.map((f) => f.message)).toContain('the last line is an error');
  });

  it('copies seed files from a checkout into the isolated root', async () => {
    const seeded = `${path.basename(tools)}/fake-scenario-to-app.sh`;
    const options = {
      command: ['bash', `{root}/${seeded}`, '{name}', 'ok'],
      scenarioDir: fixture.dir,
      name: fixture.name,
      layout: `scripts/scenarios/core/${fixture.name}`,
      timeoutMs: 20_000,
      env: { PATH: process.env['PATH'] },
    };
    const without = await runExternalValidator(options);
    expect(without.passed).toBe(false);
    expect(errorRules(without)).toEqual(['external.exit-code']);
    const ok = await runExternalValidator({
      ...options,
      seed: { from: path.dirname(tools), paths: [seeded] },
    });
    expect(ok.passed).toBe(true);
    expect(readFileSync(script, 'utf8')).toBe(SCRIPT);
  });
});
