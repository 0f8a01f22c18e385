import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixtureMutator, ruleIds, type FixtureCopy, type Json } from './testkit.ts';
import type { ValidationReport } from './types.ts';

/** Variations of the valid 2026-01-09 fixture (fall-foliage-explorer) under the optional profile. */

const BASE = '2026-01-09_fall-foliage-explorer';
const m = fixtureMutator('vrooli-2026-01-09');
afterAll(() => m.cleanup());

/** Edits the copy's service.json in place (it is always written back) and validates. */
const mutate = (change: (sj: Json, c: FixtureCopy) => void, name?: string) =>
  m.mutate(BASE, (c, sj) => (change(sj, c), sj), name);

const errorRules = (r: ValidationReport) => ruleIds(r);

describe('2026-01-09 mutations', () => {
  it('the unchanged base is valid', async () => {
    expect((await mutate(() => {})).valid).toBe(true);
  });

  it.each([
    [
      'docs/ removed',
      (_: Json, c: FixtureCopy) => rmSync(path.join(c.dir, 'docs'), { recursive: true }),
      'layout.dir-missing',
    ],
    [
      'PRD.md removed',
      (_: Json, c: FixtureCopy) => rmSync(path.join(c.dir, 'PRD.md')),
      'layout.file-missing',
    ],
    [
      'testing.json corrupted',
      (_: Json, c: FixtureCopy) => writeFileSync(path.join(c.dir, '.vrooli/testing.json'), '{'),
      'json.syntax',
    ],
    [
      'no health checks',
      (sj: Json) => (sj.lifecycle.health.checks = []),
      'lifecycle.health-checks',
    ],
    [
      'template placeholder left',
      (sj: Json) => (sj.service.description = '{{SCENARIO_DESCRIPTION}}'),
      'placeholder.unfilled',
    ],
    [
      'schema.sql removed is only a warning',
      (_: Json, c: FixtureCopy) => rmSync(path.join(c.dir, 'initialization/postgres/schema.sql')),
      null,
    ],
  ])('%s', async (_, change, rule) => {
    const r = await mutate(change);
    if (rule === null) {
      expect(r.valid).toBe(true);
      expect(r.findings.filter((f) => f.ruleId === 'file.missing').length).toBe(4);
    } else expect(errorRules(r)).toEqual([rule]);
  });

  it('a folder whose name differs from service.name', async () => {
    const r = await mutate(() => {}, 'foliage');
    expect(errorRules(r)).toEqual(['service.name-mismatch']);
  });
});
