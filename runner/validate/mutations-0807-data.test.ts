import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixtureMutator, ruleIds, type FixtureCopy, type Json } from './testkit.ts';
import type { ValidationReport } from './types.ts';

/**
 * 2025-08-07 rules that follow what Vrooli's injection engine and the scenarios' startup
 * scripts load: resource categories, the shape of `initialization`, references by name and
 * under `config`, startup imports and every JSON file under initialization/. Base:
 * campaign-content-studio (valid).
 */

const BASE = '2025-08-07_campaign-content-studio';
const m = fixtureMutator('vrooli-2025-08-07');
afterAll(() => m.cleanup());

/** Edits the copy's service.json in place (always written back) and validates. */
const mutate = (change: (sj: Json, c: FixtureCopy) => void) =>
  m.mutate(BASE, (c, sj) => (change(sj, c), sj));

const write = (c: FixtureCopy, rel: string, text: string) => {
  mkdirSync(path.dirname(path.join(c.dir, rel)), { recursive: true });
  writeFileSync(path.join(c.dir, rel), text);
};
const find = (r: ValidationReport, ruleId: string) => r.findings.filter((f) => f.ruleId === ruleId);

const STARTUP_HEAD =
  '#!/bin/bash\nSCENARIO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"\n';

describe('2025-08-07: resource categories', () => {
  it('an unknown category holding resources is accepted with a warning, and its resources are checked', async () => {
    const ok = await mutate((sj) => {
      sj.resources.external = { huginn: { type: 'external-service', enabled: false } };
    });
    expect(ok.valid).toBe(true);
    expect(ruleIds(ok, 'warning')).toContain('resources.category-unknown');

    const r = await mutate((sj) => {
      sj.resources.search = {
        searxng: {
          enabled: true,
          initialization: {
            data: [{ type: 'config', file: 'initialization/search/engines.json' }],
          },
        },
      };
    });
    expect(ruleIds(r)).toEqual(['file.missing']);
    expect(ruleIds(r, 'warning')).not.toContain('resources.category-unknown');
  });

  it('a ui block under resources is a warning, not an error', async () => {
    const r = await mutate((sj) => {
      sj.resources.ui = { enabled: true, framework: 'react', features: ['campaign-manager'] };
      sj.resources.optional = ['redis'];
    });
    expect(r.valid).toBe(true);
    expect(find(r, 'resources.not-a-category').map((f) => [f.severity, f.jsonPath])).toEqual([
      ['warning', '$.resources.ui'],
      ['warning', '$.resources.optional'],
    ]);
  });

  it('an initialization array is an error saying Vrooli would skip it silently', async () => {
    const r = await mutate((sj) => {
      const pg = sj.resources.storage.postgres;
      pg.initialization = pg.initialization.data;
    });
    expect(ruleIds(r)).toEqual(['resources.initialization-array']);
    const f = find(r, 'resources.initialization-array')[0]!;
    expect(f.jsonPath).toBe('$.resources.storage.postgres.initialization');
    expect(f.message).toMatch(/reads initialization\.data .*skip this silently/);
    expect(f.hint).toContain('"data"');
  });
});

describe('2025-08-07: data files', () => {
  it('corrupt JSON in an unreferenced initialization file: a warning, an error once startup.sh imports its folder', async () => {
    const corrupt = (c: FixtureCopy) =>
      write(c, 'initialization/automation/n8n/extra-workflow.json', '{"nodes": [');
    const alone = await mutate((_sj, c) => corrupt(c));
    expect(alone.valid).toBe(true);
    expect(find(alone, 'file.json-invalid').map((f) => [f.severity, f.file])).toEqual([
      ['warning', 'initialization/automation/n8n/extra-workflow.json'],
    ]);

    const imported = await mutate((_sj, c) => {
      corrupt(c);
      write(
        c,
        'deployment/startup.sh',
        `${STARTUP_HEAD}for workflow in "\${SCENARIO_DIR}"/initialization/automation/n8n/*.json; do\n  curl -X POST http://localhost:5678/rest/workflows -d "@\${workflow}"\ndone\n`,
      );
    });
    expect(ruleIds(imported)).toEqual(['file.json-invalid']);
  });

  it('unrendered template syntax in a referenced file is an error, outside or inside strings', async () => {
    const outside = await mutate((_sj, c) =>
      write(
        c,
        'initialization/configuration/app-config.json',
        '{"categories": {{ categories | tojson }}, "name": "x"}',
      ),
    );
    expect(ruleIds(outside)).toEqual(['json.template-syntax']);

    const inside = await mutate((_sj, c) =>
      write(
        c,
        'initialization/configuration/app-config.json',
        '{"app": {"enabled": "{{ \\"true\\" if ui else \\"false\\" }}", "n8n": "={{ $json.id || 1 }}"}}',
      ),
    );
    expect(ruleIds(inside)).toEqual(['json.template-syntax']);
    expect(find(inside, 'json.template-syntax')[0]!.jsonPath).toBe('$.app.enabled');
  });

  it('config.workflows naming a missing file', async () => {
    const r = await mutate((sj) => {
      sj.resources.automation.n8n.config = {
        workflows: ['initialization/automation/n8n/campaign-management.json'],
        scripts: ['initialization/automation/windmill/scripts/missing.ts'],
      };
    });
    expect(find(r, 'file.missing').map((f) => [f.severity, f.jsonPath])).toEqual([
      ['error', '$.resources.automation.n8n.config.scripts[0]'],
    ]);
  });

  it('a workflow referenced by name that no file is called', async () => {
    const found = await mutate((sj) => {
      sj.resources.automation.n8n.workflows = ['campaign-management', 'search-retrieval.json'];
    });
    expect(found.valid).toBe(true);

    const r = await mutate((sj) => {
      sj.resources.automation.n8n.workflows = ['campaign-management', 'prompt-backup'];
    });
    expect(ruleIds(r)).toEqual(['reference.name-missing']);
    const f = find(r, 'reference.name-missing')[0]!;
    expect(f.jsonPath).toBe('$.resources.automation.n8n.workflows[1]');
    expect(f.message).toContain('"prompt-backup"');
  });

  it('a file deployment/startup.sh loads is missing: an error, a warning when the script checks first', async () => {
    const r = await mutate((_sj, c) =>
      write(
        c,
        'deployment/startup.sh',
        `${STARTUP_HEAD}psql -f "\${SCENARIO_DIR}/initialization/storage/schema.sql"\npsql -f "$SCENARIO_DIR/initialization/storage/indexes.sql"\n`,
      ),
    );
    expect(find(r, 'startup.file-missing').map((f) => [f.severity, f.message])).toEqual([
      [
        'error',
        'deployment/startup.sh (line 4) loads initialization/storage/indexes.sql, which does not exist.',
      ],
    ]);

    const guarded = await mutate((_sj, c) =>
      write(
        c,
        'deployment/startup.sh',
        `${STARTUP_HEAD}local seed="$SCENARIO_DIR/initialization/storage/extra-seed.sql"\nif [[ -f "$seed" ]]; then psql -f "$seed"; fi\n`,
      ),
    );
    expect(guarded.valid).toBe(true);
    expect(ruleIds(guarded, 'warning')).toContain('startup.file-missing');
  });
});
