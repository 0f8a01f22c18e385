import { createHash } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { extract } from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAppError } from '../../core/errors.ts';
import { createFsStore } from '../../core/store/fs.ts';
import type { ObjectStore } from '../../core/store/port.ts';
import { copyFixture, type FixtureCopy } from '../validate/testkit.ts';
import { deployToArchive } from './archive.ts';
import { describeTree } from './treekit.ts';

let storeRoot: string;
let store: ObjectStore;
let scenario: FixtureCopy;
beforeAll(async () => {
  storeRoot = mkdtempSync(path.join(tmpdir(), 'sg-archive-store-'));
  store = createFsStore(storeRoot);
  await store.init();
  scenario = copyFixture('2025-08-29_make-it-vegan');
  chmodSync(path.join(scenario.dir, 'api/main.go'), 0o640);
  symlinkSync('api/main.go', path.join(scenario.dir, 'main-link.go'));
});
afterAll(async () => {
  await store.close();
  rmSync(storeRoot, { recursive: true, force: true });
  scenario.cleanup();
});

describe('deployToArchive', () => {
  it('streams a .tar.gz into the store that extracts to the same scenario, byte for byte', async () => {
    const key = 'deploys/make-it-vegan/v1.tar.gz';
    const r = await deployToArchive({ scenarioDir: scenario.dir, name: scenario.name, store, key });
    const bytes = await store.get(key);
    expect(r).toEqual({
      target: 'archive',
      location: key,
      key,
      size: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    });
    expect(bytes.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    expect((await store.stat(key))?.contentType).toBe('application/gzip');

    const out = mkdtempSync(path.join(tmpdir(), 'sg-archive-out-'));
    try {
      const file = path.join(out, 'a.tar.gz');
      writeFileSync(file, bytes);
      await extract({ file, cwd: out });
      rmSync(file);
      const extracted = describeTree(path.join(out, scenario.name));
      expect(extracted).toEqual(describeTree(scenario.dir));
      expect(extracted['.vrooli/service.json']).toMatch(/^file /);
      expect(extracted['main-link.go']).toBe('link -> api/main.go');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('refuses a bad name and a symlink leading out, storing nothing', async () => {
    const bad = await deployToArchive({
      scenarioDir: scenario.dir,
      name: '../x',
      store,
      key: 'deploys/bad.tar.gz',
    }).catch((e: unknown) => e);
    expect(isAppError(bad, 'deploy_error')).toBe(true);
    const other = copyFixture('2025-08-29_simple-test');
    try {
      symlinkSync('/etc', path.join(other.dir, 'etc'));
      const e = await deployToArchive({
        scenarioDir: other.dir,
        name: other.name,
        store,
        key: 'deploys/escape.tar.gz',
      }).catch((x: unknown) => x);
      expect(isAppError(e, 'deploy_error')).toBe(true);
      expect(await store.stat('deploys/escape.tar.gz')).toBeNull();
    } finally {
      other.cleanup();
    }
  });
});
