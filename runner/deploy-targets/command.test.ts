import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError, isAppError } from '../../core/errors.ts';
import { deployWithCommand } from './command.ts';

let dir: string;
let script: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sg-deploy-cmd-'));
  script = path.join(dir, 'deploy.sh');
  writeFileSync(
    script,
    `#!/usr/bin/env bash
case "$3" in
  ok) echo "deploying $2 from $1"; echo "$2" > "$1/DEPLOYED"; exit 0 ;;
  fail) echo "cannot reach the server" >&2; exit 3 ;;
  sleep) sleep 30 ;;
esac
`,
    { mode: 0o755 },
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (mode: string, timeoutMs = 20_000) =>
  deployWithCommand({
    command: ['bash', script, '{dir}', '{name}', mode],
    scenarioDir: dir,
    name: 'make-it-vegan',
    timeoutMs,
    env: { PATH: process.env['PATH'] },
  });

describe('deployWithCommand', () => {
  it('succeeds on exit 0, with placeholders filled and output captured', async () => {
    const r = await run('ok');
    expect(r).toMatchObject({
      target: 'command',
      location: dir,
      exitCode: 0,
      outputTruncated: false,
    });
    expect(r.output).toBe(`deploying make-it-vegan from ${dir}\n`);
    expect(readFileSync(path.join(dir, 'DEPLOYED'), 'utf8')).toBe('make-it-vegan\n');
  });

  it('fails with deploy_error carrying the exit code and the output', async () => {
    const e = await run('fail').catch((x: unknown) => x);
    expect(isAppError(e, 'deploy_error')).toBe(true);
    expect((e as AppError).details).toMatchObject({
      exitCode: 3,
      output: 'cannot reach the server\n',
    });
  });

  it('fails a command that runs too long', async () => {
    const e = await run('sleep', 500).catch((x: unknown) => x);
    expect(isAppError(e, 'deploy_error')).toBe(true);
    expect((e as AppError).message).toMatch(/did not finish within 500 ms/);
  });

  it('fails a command that cannot start, and a bad name', async () => {
    const e = await deployWithCommand({
      command: [path.join(dir, 'missing')],
      scenarioDir: dir,
      name: 'x',
      timeoutMs: 5000,
    }).catch((x: unknown) => x);
    expect(isAppError(e, 'deploy_error')).toBe(true);
    const bad = await deployWithCommand({
      command: ['true'],
      scenarioDir: dir,
      name: '../x',
      timeoutMs: 5000,
    }).catch((x: unknown) => x);
    expect(isAppError(bad, 'deploy_error')).toBe(true);
  });
});
