import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { isAppError } from '../../core/errors.ts';
import { copyFixture, type FixtureCopy } from '../validate/testkit.ts';
import { describeTree } from './treekit.ts';
import { deployToVrooliCheckout } from './vrooli.ts';

const temps: string[] = [];
const fixtures: FixtureCopy[] = [];
afterAll(() => {
  temps.forEach((t) => rmSync(t, { recursive: true, force: true }));
  fixtures.forEach((f) => f.cleanup());
});

let vrooliRoot: string;
let scenario: FixtureCopy;
beforeEach(() => {
  vrooliRoot = mkdtempSync(path.join(tmpdir(), 'sg-vrooli-'));
  temps.push(vrooliRoot);
  scenario = copyFixture('2025-08-07_campaign-content-studio');
  fixtures.push(scenario);
  chmodSync(path.join(scenario.dir, 'test.sh'), 0o755);
});

const coreDir = () => path.join(vrooliRoot, 'scripts/scenarios/core');
const deploy = (overwrite = false, profile = 'vrooli-2025-08-07') =>
  deployToVrooliCheckout({
    scenarioDir: scenario.dir,
    name: scenario.name,
    vrooliRoot,
    profile,
    overwrite,
  });

async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );
}

describe('deployToVrooliCheckout', () => {
  it('copies the scenario to the 2025-08-07 path, byte for byte with modes, and leaves no temp folder', async () => {
    const r = await deploy();
    const target = path.join(coreDir(), scenario.name);
    expect(r).toMatchObject({ target: 'vrooli', location: target, replaced: false });
    expect(r.files).toBeGreaterThan(10);
    expect(describeTree(target)).toEqual(describeTree(scenario.dir));
    expect(readdirSync(coreDir())).toEqual([scenario.name]);
  });

  it('uses scenarios/<name> for the 2025-08-29 profile', async () => {
    const r = await deploy(false, 'vrooli-2025-08-29');
    expect(r.location).toBe(path.join(vrooliRoot, 'scenarios', scenario.name));
    expect(existsSync(path.join(r.location, '.vrooli/service.json'))).toBe(true);
  });

  it('refuses to overwrite an existing scenario without the flag, leaving it untouched', async () => {
    await deploy();
    const target = path.join(coreDir(), scenario.name);
    const before = describeTree(target);
    writeFileSync(path.join(scenario.dir, 'README.md'), '# changed\n');
    const e = await rejection(deploy());
    expect(isAppError(e, 'conflict')).toBe(true);
    expect(describeTree(target)).toEqual(before);
    expect(readdirSync(coreDir())).toEqual([scenario.name]);
  });

  it('with overwrite, swaps the new scenario in and removes the old one', async () => {
    await deploy();
    writeFileSync(path.join(scenario.dir, 'README.md'), '# changed\n');
    rmSync(path.join(scenario.dir, 'initialization/storage/seed.sql'));
    const r = await deploy(true);
    expect(r.replaced).toBe(true);
    expect(readFileSync(path.join(r.location, 'README.md'), 'utf8')).toBe('# changed\n');
    expect(existsSync(path.join(r.location, 'initialization/storage/seed.sql'))).toBe(false);
    expect(describeTree(r.location)).toEqual(describeTree(scenario.dir));
    expect(readdirSync(coreDir())).toEqual([scenario.name]);
  });

  it.each(['../escape', 'Bad Name', '', 'a/b', '.hidden', 'x'.repeat(101)])(
    'rejects the name %j',
    async (name) => {
      const e = await rejection(
        deployToVrooliCheckout({
          scenarioDir: scenario.dir,
          name,
          vrooliRoot,
          profile: 'vrooli-2025-08-07',
        }),
      );
      expect(isAppError(e, 'deploy_error')).toBe(true);
      expect(readdirSync(vrooliRoot)).toEqual([]);
    },
  );

  it('rejects a checkout whose scenarios folder is a symlink leading out', async () => {
    const outside = mkdtempSync(path.join(tmpdir(), 'sg-outside-'));
    temps.push(outside);
    mkdirSync(path.join(vrooliRoot, 'scripts'));
    symlinkSync(outside, path.join(vrooliRoot, 'scripts/scenarios'));
    const e = await rejection(deploy());
    expect(isAppError(e, 'deploy_error')).toBe(true);
    expect(readdirSync(outside)).toEqual([]);
  });

  it('rejects a missing checkout', async () => {
    const e = await rejection(
      deployToVrooliCheckout({
        scenarioDir: scenario.dir,
        name: scenario.name,
        vrooliRoot: path.join(vrooliRoot, 'nope'),
        profile: 'vrooli-2025-08-07',
      }),
    );
    expect(isAppError(e, 'deploy_error')).toBe(true);
  });

  it('refuses a scenario holding a symlink that leads out, and cleans its temp folder', async () => {
    symlinkSync('/etc/passwd', path.join(scenario.dir, 'passwd'));
    const e = await rejection(deploy());
    expect(isAppError(e, 'deploy_error')).toBe(true);
    expect(readdirSync(coreDir())).toEqual([]);
  });

  it('keeps symlinks that stay inside', async () => {
    symlinkSync('initialization/storage/schema.sql', path.join(scenario.dir, 'schema-link.sql'));
    const r = await deploy();
    expect(describeTree(r.location)['schema-link.sql']).toBe(
      'link -> initialization/storage/schema.sql',
    );
  });
});
