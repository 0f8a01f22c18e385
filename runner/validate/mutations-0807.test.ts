import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixtureMutator, ruleIds, type FixtureCopy, type Json } from './testkit.ts';

/**
 * Variations of a valid 2025-08-07 fixture (campaign-content-studio), each judged by the
 * rules: one change, the verdict and the rule that catches it.
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

describe('2025-08-07 mutations', () => {
  it('the unchanged base is valid', async () => {
    const r = await mutate(() => undefined);
    expect(r.valid).toBe(true);
  });

  it('a referenced SQL file removed', async () => {
    const r = await mutate((c) => rmSync(path.join(c.dir, 'initialization/storage/schema.sql')));
    expect(r.valid).toBe(false);
    const f = r.findings.find((x) => x.ruleId === 'file.missing');
    expect(f?.message).toBe('Referenced file not found: initialization/storage/schema.sql');
    expect(f?.jsonPath).toBe('$.resources.storage.postgres.initialization.data[0].file');
    expect(f?.file).toBe(SJ);
  });

  it('a referenced workflow removed', async () => {
    const r = await mutate((c) =>
      rmSync(path.join(c.dir, 'initialization/automation/n8n/search-retrieval.json')),
    );
    expect(rules(r)).toEqual(['file.missing']);
  });

  it('a deployment task file removed', async () => {
    const r = await mutate((c) =>
      rmSync(path.join(c.dir, 'initialization/configuration/feature-flags.json')),
    );
    expect(r.findings.filter((f) => f.ruleId === 'file.missing').map((f) => f.jsonPath)).toEqual([
      '$.deployment.initialization.phases[2].tasks[1].file',
    ]);
  });

  it('a missing file of a disabled resource is not an error', async () => {
    const r = await mutate((c, sj) => {
      sj.resources.automation.windmill.enabled = false;
      rmSync(path.join(c.dir, 'initialization/automation/windmill/campaign-dashboard.json'));
      return sj;
    });
    expect(r.valid).toBe(true);
  });

  it('service.json corrupted', async () => {
    const r = await mutate((c) =>
      writeFileSync(path.join(c.dir, SJ), '{"service": {"name": "x",}'),
    );
    expect(rules(r)).toEqual(['json.syntax']);
  });

  it('service.json with trailing commas parses, with a warning saying so', async () => {
    const r = await mutate((c, sj) => {
      const text = JSON.stringify(sj, null, 2)
        .replace(/\n}$/, ',\n}')
        .replace(/"required": (true|false)\n/g, '"required": $1,\n');
      expect(text.match(/,\s*[}\]]/g)?.length).toBeGreaterThan(1);
      writeFileSync(path.join(c.dir, SJ), text);
    });
    expect(r.valid).toBe(true);
    const f = r.findings.find((x) => x.ruleId === 'json.trailing-comma');
    expect(f?.severity).toBe('warning');
    expect(f?.message).toMatch(/parses only after removing trailing commas \(lines \d+(, \d+)+\)/);
  });

  it('a referenced JSON file corrupted', async () => {
    const r = await mutate((c) =>
      writeFileSync(path.join(c.dir, 'initialization/configuration/app-config.json'), '{ "a": '),
    );
    expect(rules(r)).toEqual(['file.json-invalid']);
  });

  it('an empty (or comment-only) SQL file', async () => {
    const r = await mutate((c) => {
      writeFileSync(path.join(c.dir, 'initialization/storage/seed.sql'), '  \n');
      writeFileSync(
        path.join(c.dir, 'initialization/storage/schema.sql'),
        '-- TODO\n/* later */\n',
      );
    });
    expect(rules(r)).toEqual(['file.sql-empty', 'file.sql-empty']);
  });

  it.each([
    ['not kebab-case', 'Campaign Studio', 'service.name'],
    ['missing', undefined, 'service.name'],
  ])('service.name %s', async (_, name, rule) => {
    const r = await mutate((_c, sj) => {
      sj.service.name = name;
      return sj;
    });
    expect(rules(r)).toContain(rule);
  });

  it('service.name changed to another kebab name: a warning in this era', async () => {
    const r = await mutate((_c, sj) => {
      sj.service.name = 'another-name';
      return sj;
    });
    expect(r.valid).toBe(true);
    expect(rules(r, 'warning')).toContain('service.name-mismatch');
  });

  it.each([
    ['version not semver', (sj: Json) => (sj.service.version = '1.0'), 'service.version'],
    ['type empty', (sj: Json) => (sj.service.type = ''), 'service.type'],
    ['type missing', (sj: Json) => delete sj.service.type, 'service.type'],
    ['service missing', (sj: Json) => delete sj.service, 'service.missing'],
    [
      'no resource enabled',
      (sj: Json) =>
        Object.values(sj.resources).forEach((g: any) =>
          Object.values(g).forEach((x: any) => (x.enabled = false)),
        ),
      'resources.none-enabled',
    ],
    [
      'a resource outside any category, with initialization',
      (sj: Json) => (sj.resources = { postgres: { enabled: true, initialization: { data: [] } } }),
      'resources.category',
    ],
    ['resources missing', (sj: Json) => delete sj.resources, 'resources.missing'],
    [
      'placeholder in service.json',
      (sj: Json) => (sj.service.description = 'SCENARIO_DESCRIPTION_PLACEHOLDER'),
      'placeholder.unfilled',
    ],
  ])('%s', async (_, change, rule) => {
    const r = await mutate((_c, sj) => {
      change(sj);
      return sj;
    });
    expect(r.valid).toBe(false);
    expect(rules(r)).toContain(rule);
  });

  it('service.type is free text in kebab-case (no fixed list)', async () => {
    const r = await mutate((_c, sj) => {
      sj.service.type = 'my-own-kind';
      return sj;
    });
    expect(r.valid).toBe(true);
  });

  it('a placeholder left in an initialization file', async () => {
    const r = await mutate((c) =>
      writeFileSync(
        path.join(c.dir, 'initialization/configuration/app-config.json'),
        '{"company": "COMPANY_NAME_PLACEHOLDER"}',
      ),
    );
    expect(rules(r)).toEqual(['placeholder.unfilled']);
    expect(r.findings.find((f) => f.ruleId === 'placeholder.unfilled')?.jsonPath).toBe('$.company');
  });
});
