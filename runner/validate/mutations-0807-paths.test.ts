import { chmodSync, mkdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixtureMutator, ruleIds, type FixtureCopy, type Json } from './testkit.ts';

/**
 * Variations of a valid 2025-08-07 fixture (campaign-content-studio) about paths and the
 * folder's layout: escapes by `..`, absolute paths and symlinks; where service.json lives;
 * README.md and test.sh.
 */

const BASE = '2025-08-07_campaign-content-studio';
const PROFILE = 'vrooli-2025-08-07';
const SJ = '.vrooli/service.json';
const m = fixtureMutator(PROFILE);
afterAll(() => m.cleanup());

/** Edits a copy of the base (or `fixture`); a returned service.json is written back. */
const mutate = (change: (c: FixtureCopy, sj: Json) => Json | void, fixture = BASE) =>
  m.mutate(fixture, change);

const rules = ruleIds;

describe('2025-08-07 mutations: paths and layout', () => {
  describe('paths escaping the folder', () => {
    it.each([
      ['../x', '../outside.sql'],
      ['climbing through a subfolder', 'initialization/../../outside.sql'],
      ['absolute', '/etc/hostname'],
    ])('%s', async (_, ref) => {
      const r = await mutate((c, sj) => {
        writeFileSync(path.join(c.root, 'outside.sql'), 'select 1;');
        sj.resources.storage.postgres.initialization.data[0].file = ref;
        return sj;
      });
      expect(r.valid).toBe(false);
      expect(rules(r)).toContain('file.escape');
    });

    it('a symlink pointing outside', async () => {
      const r = await mutate((c) => {
        writeFileSync(path.join(c.root, 'outside.sql'), 'select 1;');
        const target = path.join(c.dir, 'initialization/storage/schema.sql');
        rmSync(target);
        symlinkSync(path.join(c.root, 'outside.sql'), target);
      });
      expect(rules(r).sort()).toEqual(['file.escape', 'file.symlink-escape']);
    });

    it('a symlinked folder on the way out', async () => {
      const r = await mutate((c) => {
        mkdirSync(path.join(c.root, 'elsewhere'));
        writeFileSync(path.join(c.root, 'elsewhere/schema.sql'), 'select 1;');
        renameSync(path.join(c.dir, 'initialization/storage'), path.join(c.root, 'old-storage'));
        symlinkSync(path.join(c.root, 'elsewhere'), path.join(c.dir, 'initialization/storage'));
        writeFileSync(path.join(c.root, 'elsewhere/seed.sql'), 'select 1;');
      });
      expect(rules(r)).toContain('file.escape');
    });

    it('a symlink inside the folder is fine', async () => {
      const r = await mutate((c) => {
        const target = path.join(c.dir, 'initialization/storage/seed.sql');
        renameSync(target, path.join(c.dir, 'initialization/storage/seed-real.sql'));
        symlinkSync('seed-real.sql', target);
      });
      expect(r.valid).toBe(true);
    });
  });

  it('a referenced file that is a folder', async () => {
    const r = await mutate((c) => {
      rmSync(path.join(c.dir, 'initialization/storage/seed.sql'));
      mkdirSync(path.join(c.dir, 'initialization/storage/seed.sql'));
    });
    expect(rules(r)).toEqual(['file.not-a-file']);
  });

  it('service.json at the root: accepted with a warning', async () => {
    const r = await mutate((c) =>
      renameSync(path.join(c.dir, SJ), path.join(c.dir, 'service.json')),
    );
    expect(r.valid).toBe(true);
    expect(rules(r, 'warning')).toContain('service-json.location');
  });

  it('no service.json at all', async () => {
    const r = await mutate((c) => rmSync(path.join(c.dir, SJ)));
    expect(rules(r)).toEqual(['service-json.missing']);
  });

  it('README.md and test.sh: warnings only; an executable test.sh clears its warning', async () => {
    const r = await mutate((c) => {
      writeFileSync(path.join(c.dir, 'README.md'), '# Campaign Content Studio\n');
      chmodSync(path.join(c.dir, 'test.sh'), 0o755);
    });
    expect(
      r.findings.filter((f) => f.ruleId.startsWith('readme') || f.ruleId.startsWith('test-sh')),
    ).toEqual([]);
    const r2 = await mutate((c) => rmSync(path.join(c.dir, 'test.sh')));
    expect(r2.valid).toBe(true);
    expect(rules(r2, 'warning')).toEqual(
      expect.arrayContaining(['readme.missing', 'test-sh.missing']),
    );
  });
});
