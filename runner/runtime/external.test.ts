import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { resolveBoundary, type RunAs } from '../boundary/identity.ts';
import { runRuntimeCheck } from './check.ts';
import type { ExternalRuntime } from './external.ts';
import { createResourceProviders } from './resources/providers.ts';
import { buildScenario, type BuiltScenario, type Variant } from './testkit.ts';

/**
 * The user's own runtime command from a Vrooli checkout (RUNTIME_COMMAND with VROOLI_ROOT),
 * instead of or after the built-in check. The "checkout" here holds a script that prints tagged
 * lines the way Vrooli's tools do.
 */

const FAKE_RUNTIME = `#!/usr/bin/env bash
echo "[INFO]    Running scenario $1"
[ -f "$2/.vrooli/service.json" ] || { echo "[ERROR]   no service.json in $2"; exit 1; }
if [ -n "\${FAKE_VROOLI_BREAK:-}" ] || [ -f "$2/BREAK" ]; then
  echo "[ERROR]   API failed to start"
  exit 0
fi
echo "[SUCCESS] Scenario $1 ran"
`;

let root: string;
let runAs: RunAs | undefined;
const built: BuiltScenario[] = [];
const providers = createResourceProviders({
  postgresAdminUrl: inject('databaseUrl'),
  redisUrl: inject('redisUrl'),
});

beforeAll(async () => {
  root = mkdtempSync(path.join(tmpdir(), 'sg-vrooli-'));
  mkdirSync(path.join(root, 'scripts'));
  writeFileSync(path.join(root, 'scripts', 'fake-runtime.sh'), FAKE_RUNTIME);
  chmodSync(path.join(root, 'scripts', 'fake-runtime.sh'), 0o755);
  const boundary = await resolveBoundary('scenario-agent');
  runAs = boundary.kind === 'user' ? boundary.runAs : undefined;
});
afterAll(async () => {
  await providers.close();
  rmSync(root, { recursive: true, force: true });
  for (const b of built) b.cleanup();
});

function check(variant: Variant, mode: ExternalRuntime['mode'], broken = false) {
  const s = buildScenario(variant);
  built.push(s);
  if (broken) writeFileSync(path.join(s.dir, 'BREAK'), '');
  return runRuntimeCheck({
    dir: s.dir,
    profile: 'vrooli-2025-08-29',
    providers,
    env: process.env,
    ...(runAs ? { runAs } : {}),
    external: {
      command: ['bash', 'scripts/fake-runtime.sh', '{name}', '{dir}'],
      vrooliRoot: root,
      mode,
    },
  });
}

describe('an external runtime command', () => {
  it('instead of the built-in check: its pass counts as evidence "ran", no more', async () => {
    const r = await check('runnable', 'instead');
    expect(r).toMatchObject({ status: 'passed', evidence: 'ran', resources: [] });
    expect(r.steps).toEqual([
      expect.objectContaining({
        phase: 'external',
        status: 'passed',
        outputTail: expect.stringContaining('[SUCCESS] Scenario demo-items ran'),
      }),
    ]);
    // It ran on a copy at the profile's place, with the checkout's scripts beside it.
    expect(r.steps[0]?.command).toMatch(
      /"bash","scripts\/fake-runtime\.sh","demo-items",".*\/scenarios\/demo-items"/,
    );
  });

  it('an error line fails it even when it exits 0', async () => {
    const r = await check('runnable', 'instead', true);
    expect(r).toMatchObject({ status: 'failed', evidence: 'structure' });
    expect(r.findings).toContainEqual(
      expect.objectContaining({ ruleId: 'runtime.external', message: 'API failed to start' }),
    );
  });

  it('after the built-in check: both run, the built-in evidence stands', async () => {
    const r = await check('runnable', 'after');
    expect(r).toMatchObject({ status: 'passed', evidence: 'tested' });
    expect(r.steps.at(-1)).toMatchObject({ phase: 'external', status: 'passed' });
    const failing = await check('runnable', 'after', true);
    expect(failing.status).toBe('failed');
  }, 60_000);

  it('after a built-in failure it is not run', async () => {
    const r = await check('sql-error', 'after');
    expect(r.status).toBe('failed');
    expect(r.steps.some((s) => s.phase === 'external')).toBe(false);
  });
});
