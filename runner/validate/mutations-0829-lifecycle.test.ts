import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixtureMutator, ruleIds, type FixtureCopy, type Json } from './testkit.ts';
import type { ValidationReport } from './types.ts';

/**
 * Lifecycle steps read for the files they enter, run, chmod and wait for (2025-08-29 and
 * later). Base: make-it-vegan (valid), whose setup builds api/make-it-vegan-api and whose
 * develop starts it.
 */

const VEGAN = '2025-08-29_make-it-vegan';
const m = fixtureMutator('vrooli-2025-08-29');
const m2026 = fixtureMutator('vrooli-2026-01-09');
afterAll(() => {
  m.cleanup();
  m2026.cleanup();
});

const mutate = (change: (sj: Json, c: FixtureCopy) => void) =>
  m.mutate(VEGAN, (c, sj) => (change(sj, c), sj));

/** Adds a step to a phase of the copy's lifecycle. */
const step = (sj: Json, phase: string, run: string, extra: Json = {}) =>
  sj.lifecycle[phase].steps.push({
    name: `extra-${sj.lifecycle[phase].steps.length}`,
    run,
    ...extra,
  });

const find = (r: ValidationReport, ruleId: string) => r.findings.filter((f) => f.ruleId === ruleId);

describe('2025-08-29: lifecycle steps and files', () => {
  it('the base passes, with its Vrooli commands, build tools and built binaries', async () => {
    const r = await mutate(() => {});
    expect(r.valid).toBe(true);
    expect(r.findings.filter((f) => f.ruleId.startsWith('lifecycle.'))).toEqual([]);
  });

  it('commands that are not files are not flagged', async () => {
    const r = await mutate((sj) => {
      for (const run of [
        'npm run build && npm run lint',
        'vrooli resource postgres status',
        'scripts/resources/populate/populate.sh .',
        '../../scripts/resources/populate/populate.sh .',
        'cd api && go build -o bin/make-it-vegan-api . && ./bin/make-it-vegan-api --version',
        'make-it-vegan check "milk" >/dev/null 2>&1 || echo "skipped"',
        'cd ui && (corepack pnpm install || pnpm install) && ls dist/index.html',
        'bash -c "echo hi" && sh -c \'exit 0\'',
        'ln -sf $(pwd)/cli/make-it-vegan ~/.local/bin/make-it-vegan',
      ])
        step(sj, 'setup', run);
    });
    expect(r.findings.filter((f) => f.ruleId.startsWith('lifecycle.'))).toEqual([]);
    expect(r.valid).toBe(true);
  });

  it('cd cli && ./install.sh with no cli/install.sh', async () => {
    const r = await mutate((sj) =>
      step(sj, 'setup', 'cd cli && chmod +x make-it-vegan && ./install.sh'),
    );
    expect(ruleIds(r)).toEqual(['lifecycle.file-missing']);
    const f = find(r, 'lifecycle.file-missing')[0]!;
    expect(f.jsonPath).toBe('$.lifecycle.setup.steps[6].run');
    expect(f.message).toMatch(/runs cli\/install\.sh \(written "\.\/install\.sh"\)/);
  });

  it('a step entering a folder that does not exist (reported once, not for what follows)', async () => {
    const r = await mutate((sj) => step(sj, 'setup', 'cd tools/cli && ./install.sh'));
    expect(find(r, 'lifecycle.dir-missing').map((f) => f.message)).toEqual([
      'lifecycle.setup step "extra-6" enters tools/cli/, which does not exist and no step creates.',
    ]);
    expect(ruleIds(r)).toEqual(['lifecycle.dir-missing']);
  });

  it.each([
    ['bash scripts/x.sh', 'scripts/x.sh'],
    ['sh ./scripts/seed.sh --fast', 'scripts/seed.sh'],
    ['chmod +x cli/make-it-vegan cli/helper', 'cli/helper'],
    ['cd api && ../cli/missing-tool --help', 'cli/missing-tool'],
    ['cd ui && PORT=$UI_PORT node serve.js', 'ui/serve.js'],
  ])('%s names a missing file', async (run, missing) => {
    const r = await mutate((sj) => step(sj, 'test', run));
    expect(ruleIds(r)).toEqual(['lifecycle.file-missing']);
    expect(find(r, 'lifecycle.file-missing')[0]!.message).toContain(` ${missing} `);
  });

  it('a script the step creates first is not missing; one that exists is fine', async () => {
    const r = await mutate((sj, c) => {
      mkdirSync(path.join(c.dir, 'scripts'));
      writeFileSync(path.join(c.dir, 'scripts/x.sh'), 'echo x\n');
      step(sj, 'setup', 'bash scripts/x.sh && echo "echo y" > scripts/y.sh && bash scripts/y.sh');
    });
    expect(r.valid).toBe(true);
  });

  it('setup builds one binary, develop starts another', async () => {
    const r = await mutate((sj) => {
      sj.lifecycle.setup.steps[3].run =
        'cd api && go mod download && go build -o vegan-server main.go';
    });
    const f = find(r, 'lifecycle.binary-mismatch');
    expect(f.map((x) => [x.severity, x.jsonPath])).toEqual([
      ['error', '$.lifecycle.develop.steps[0].run'],
    ]);
    expect(f[0]!.message).toBe(
      'lifecycle.develop step "start-api-server" starts api/make-it-vegan-api, but setup builds api/vegan-server; nothing creates api/make-it-vegan-api.',
    );
    expect(r.valid).toBe(false);
  });

  it('a file_exists condition nothing satisfies: the step never runs', async () => {
    const r = await mutate((sj) => {
      sj.lifecycle.develop.steps[1].condition = { file_exists: 'ui/dist/index.html' };
      sj.lifecycle.test.steps[0].condition = { file_exists: 'api/integration.test.sh' };
    });
    expect(find(r, 'lifecycle.condition-missing').map((f) => f.jsonPath)).toEqual([
      '$.lifecycle.develop.steps[1].condition.file_exists',
      '$.lifecycle.test.steps[0].condition.file_exists',
    ]);
  });

  it('a failure the step tolerates is a warning', async () => {
    const r = await mutate((sj) => step(sj, 'setup', 'cd cli && ./install.sh || echo "no CLI"'));
    expect(r.valid).toBe(true);
    expect(find(r, 'lifecycle.file-missing')[0]!.message).toMatch(/silently does nothing/);
  });

  it('2026-01-09: the same rules, as warnings', async () => {
    const r = await m2026.mutate('2026-01-09_fall-foliage-explorer', (c, sj) => {
      rmSync(path.join(c.dir, 'cli/install.sh'));
      return sj;
    });
    expect(find(r, 'lifecycle.file-missing').map((f) => [f.severity, f.message])).toEqual([
      [
        'warning',
        'lifecycle.setup step "install-cli" makes executable cli/foliage-explorer (written "foliage-explorer"), which does not exist and no step creates.',
      ],
      [
        'warning',
        'lifecycle.setup step "install-cli" runs cli/install.sh (written "./install.sh"), which does not exist and no step creates.',
      ],
    ]);
  });
});
