import { rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixtureMutator, ruleIds, type FixtureCopy, type Json } from './testkit.ts';
import type { ValidationReport } from './types.ts';

/**
 * Variations of valid 2025-08-29 fixtures (simple-test, make-it-vegan): one change each, the
 * verdict and the rule that catches it.
 */

const PROFILE = 'vrooli-2025-08-29';
const SIMPLE = '2025-08-29_simple-test';
const VEGAN = '2025-08-29_make-it-vegan';
const SJ = '.vrooli/service.json';
const m = fixtureMutator(PROFILE);
afterAll(() => m.cleanup());

/** Edits the copy's service.json in place (it is always written back) and validates. */
const mutate = (fixture: string, change: (sj: Json, c: FixtureCopy) => void, name?: string) =>
  m.mutate(fixture, (c, sj) => (change(sj, c), sj), name);

const errors = (r: ValidationReport) => r.findings.filter((f) => f.severity === 'error');
const errorRules = (r: ValidationReport) => ruleIds(r);

describe('2025-08-29 mutations', () => {
  it('the unchanged bases are valid', async () => {
    expect((await mutate(SIMPLE, () => {})).valid).toBe(true);
    expect((await mutate(VEGAN, () => {})).valid).toBe(true);
  });

  describe('lifecycle', () => {
    it.each([
      [
        'steps an object',
        (sj: Json) => (sj.lifecycle.develop.steps = { name: 'start-app', run: 'npm start' }),
        'lifecycle.steps-not-array',
      ],
      ['steps null', (sj: Json) => (sj.lifecycle.test.steps = null), 'lifecycle.steps-not-array'],
      [
        'step name not kebab-case',
        (sj: Json) => (sj.lifecycle.setup.steps[0].name = 'Generate Embeddings'),
        'lifecycle.step-name',
      ],
      [
        'step name missing',
        (sj: Json) => delete sj.lifecycle.stop.steps[0].name,
        'lifecycle.step-name',
      ],
      [
        'step run missing',
        (sj: Json) => delete sj.lifecycle.develop.steps[0].run,
        'lifecycle.step-run',
      ],
      [
        'step a string',
        (sj: Json) => (sj.lifecycle.develop.steps[0] = 'npm start'),
        'lifecycle.step-shape',
      ],
      [
        'phase an array',
        (sj: Json) => (sj.lifecycle.stop = ['pkill node']),
        'lifecycle.phase-shape',
      ],
      [
        'phase description null',
        (sj: Json) => (sj.lifecycle.setup.description = null),
        'lifecycle.phase-shape',
      ],
      ['lifecycle a string', (sj: Json) => (sj.lifecycle = 'npm start'), 'lifecycle.shape'],
    ])('%s', async (_, change, rule) => {
      const r = await mutate(SIMPLE, change);
      expect(r.valid).toBe(false);
      expect(errorRules(r)).toEqual([rule]);
    });

    it('missing lifecycle.version and develop phase are warnings', async () => {
      const r = await mutate(SIMPLE, (sj) => {
        delete sj.lifecycle.version;
        delete sj.lifecycle.develop;
      });
      expect(r.valid).toBe(true);
      expect(r.findings.map((f) => f.ruleId)).toEqual(
        expect.arrayContaining(['lifecycle.version', 'lifecycle.develop-missing']),
      );
    });
  });

  describe('service', () => {
    it.each([
      ['version missing', (sj: Json) => delete sj.version, 'service-json.version'],
      ['version not semver', (sj: Json) => (sj.version = 'v1'), 'service-json.version'],
      ['service missing', (sj: Json) => delete sj.service, 'service.missing'],
      ['service.version missing', (sj: Json) => delete sj.service.version, 'service.version'],
      [
        'service.name changed',
        (sj: Json) => (sj.service.name = 'simple-test-2'),
        'service.name-mismatch',
      ],
      [
        'service.name not kebab-case',
        (sj: Json) => (sj.service.name = 'Simple_Test'),
        'service.name',
      ],
      [
        'placeholder left in',
        (sj: Json) => (sj.service.displayName = 'SCENARIO_NAME_PLACEHOLDER'),
        'placeholder.unfilled',
      ],
      ['resource not an object', (sj: Json) => (sj.resources.postgres = true), 'resources.shape'],
      [
        'resource enabled not boolean',
        (sj: Json) => (sj.resources.postgres.enabled = 'yes'),
        'resources.enabled',
      ],
    ])('%s', async (_, change, rule) => {
      const r = await mutate(SIMPLE, change);
      expect(r.valid).toBe(false);
      expect(errorRules(r)).toEqual([rule]);
    });

    it('the folder renamed away from service.name', async () => {
      const r = await mutate(SIMPLE, () => {}, 'renamed-test');
      expect(errorRules(r)).toEqual(['service.name-mismatch']);
    });

    it('categorised resources are flagged as the older layout', async () => {
      const r = await mutate(SIMPLE, (sj) => {
        sj.resources = { storage: { postgres: { enabled: true } } };
      });
      expect(r.findings.map((f) => f.ruleId)).toContain('resources.categorised');
    });
  });

  describe('files', () => {
    it('a referenced workflow removed', async () => {
      const r = await mutate(VEGAN, (_sj, c) =>
        rmSync(path.join(c.dir, 'initialization/n8n/vegan-checker.json')),
      );
      expect(errorRules(r)).toEqual(['file.missing']);
      expect(errors(r)[0]!.jsonPath).toBe('$.resources.n8n.initialization[0].file');
    });

    it('a referenced workflow corrupted', async () => {
      const r = await mutate(VEGAN, (_sj, c) =>
        writeFileSync(path.join(c.dir, 'initialization/n8n/vegan-checker.json'), '{"nodes": [}'),
      );
      expect(errorRules(r)).toEqual(['file.json-invalid']);
    });

    it.each(['../../etc/passwd', '/etc/passwd'])(
      'a reference escaping the folder: %s',
      async (ref) => {
        const r = await mutate(VEGAN, (sj) => {
          sj.resources.n8n.initialization[0].file = ref;
        });
        expect(errorRules(r)).toEqual(['file.escape']);
      },
    );

    it('a symlink out of the folder', async () => {
      const r = await mutate(VEGAN, (_sj, c) => {
        const target = path.join(c.dir, 'initialization/n8n/vegan-checker.json');
        rmSync(target);
        writeFileSync(path.join(c.root, 'x.json'), '{}');
        symlinkSync(path.join(c.root, 'x.json'), target);
      });
      expect(errorRules(r).sort()).toEqual(['file.escape', 'file.symlink-escape']);
    });

    it('service.json corrupted', async () => {
      const r = await mutate(SIMPLE, () => {});
      expect(r.valid).toBe(true);
      const broken = await m.mutate(SIMPLE, (c) =>
        writeFileSync(path.join(c.dir, SJ), '{ "version": "1.0.0", '),
      );
      expect(errorRules(broken)).toEqual(['json.syntax']);
    });

    it('trailing commas are an error in this era', async () => {
      const r = await m.mutate(SIMPLE, (c, sj) =>
        writeFileSync(path.join(c.dir, SJ), JSON.stringify(sj, null, 2).replace(/\n}$/, ',\n}')),
      );
      expect(errorRules(r)).toEqual(['json.trailing-comma']);
    });
  });
});
