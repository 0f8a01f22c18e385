import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { vrooliFixturesDir } from '../validate/testkit.ts';
import { planSql } from './init/sql-files.ts';
import { lineAt, lineOfOffset, splitSql } from './init/sql-split.ts';
import { checkN8nWorkflow } from './init/workflows.ts';
import { healthTargets, substitute } from './lifecycle/health.ts';
import { commandsNotFound, isMachineTool } from './process/missing.ts';
import { modelOf, readService } from './service.ts';
import type { StepResult } from './types.ts';
import { judgeRun } from './verdict.ts';

/** The runtime check's parts on their own: pure functions and the real Vrooli fixtures. */

const fixture = (name: string) => path.join(vrooliFixturesDir(), name);

describe('SQL statements and lines', () => {
  it('splits at top-level semicolons only', () => {
    const sql = [
      "insert into t values ('a;b', E'it\\'s;');",
      '-- a comment; with a semicolon',
      'create function f() returns int as $body$ select 1; $body$ language sql;',
      '/* block ; /* nested ; */ still */ select ";";',
      '',
    ].join('\n');
    const parts = splitSql(sql);
    expect(parts.map((p) => p.text)).toEqual([
      "insert into t values ('a;b', E'it\\'s;')",
      'create function f() returns int as $body$ select 1; $body$ language sql',
      'select ";"',
    ]);
    expect(parts.map((p) => lineOfOffset(sql, p.offset))).toEqual([1, 3, 4]);
  });

  it('turns a Postgres character position into line and column', () => {
    const sql = 'select 1;\n-- é\nselec 2;';
    expect(lineAt(sql, sql.indexOf('selec 2') + 1)).toEqual({ line: 3, column: 1 });
    // Postgres counts characters: an astral character is one, not two UTF-16 units.
    const astral = 'select 1; -- 😀\nselec 2;';
    expect(lineAt(astral, [...astral].indexOf('s', 15) + 1)).toEqual({ line: 2, column: 1 });
  });
});

describe('commands not found', () => {
  it('reads bash, sh and env messages, and sorts machine tools from the scenario’s own', () => {
    const out = [
      'bash: line 1: go: command not found',
      'sh: 1: test-genie: not found',
      'bash: line 3: make-it-vegan: command not found',
      "env: 'resource-claude-code': No such file or directory",
    ].join('\n');
    const names = commandsNotFound(out);
    expect(names).toEqual(['go', 'test-genie', 'make-it-vegan', 'resource-claude-code']);
    expect(names.filter(isMachineTool)).toEqual(['go', 'test-genie', 'resource-claude-code']);
  });
});

describe('n8n workflows', () => {
  const nodes = [{ name: 'Webhook' }, { name: 'Reply' }];
  it('accepts connections between existing nodes', () => {
    const wf = {
      nodes,
      connections: { Webhook: { main: [[{ node: 'Reply', type: 'main', index: 0 }]] } },
    };
    expect(checkN8nWorkflow('w.json', wf)).toEqual([]);
  });
  it('reports a connection to or from a node that does not exist, and duplicate names', () => {
    const wf = {
      nodes: [...nodes, { name: 'Reply' }],
      connections: { Webhok: { main: [[{ node: 'Respond', type: 'main', index: 0 }]] } },
    };
    const f = checkN8nWorkflow('w.json', wf);
    expect(f.map((x) => [x.ruleId, x.jsonPath])).toEqual([
      ['runtime.workflow.duplicate-node', '$.nodes[2].name'],
      ['runtime.workflow.connection', '$.connections.Webhok'],
      ['runtime.workflow.connection', '$.connections.Webhok.main[0][0].node'],
    ]);
  });
});

describe('health targets', () => {
  const model = (health: unknown, ports = { api: { env_var: 'API_PORT' } }) =>
    modelOf('.vrooli/service.json', { ports, lifecycle: { health } });
  it('substitutes ${VAR}, ${VAR:-default} and $VAR; unknown variables make it unusable', () => {
    expect(substitute('http://localhost:${API_PORT}/h$X${Y:-z}', { API_PORT: '1', X: '2' })).toBe(
      'http://localhost:1/h2z',
    );
    expect(substitute('${NOPE}', {})).toBeNull();
  });
  it('polls only loopback targets', () => {
    const t = healthTargets(
      model({
        checks: [
          { name: 'a', type: 'http', target: 'http://localhost:${API_PORT}/health' },
          { name: 'b', type: 'http', target: 'http://169.254.169.254/latest/meta-data' },
          { name: 'c', type: 'exec', target: 'true' },
        ],
      }),
      { API_PORT: '4000' },
    );
    expect(t.targets.map((x) => x.describe)).toEqual(['GET http://127.0.0.1:4000/health']);
    expect(t.unusable).toEqual([
      'health check "b": 169.254.169.254 is not on loopback',
      'health check "c": type exec is not polled by the runtime check',
    ]);
  });
  it('falls back to endpoints on their ports, then to the API port', () => {
    expect(
      healthTargets(model({ endpoints: { api: '/health' } }), { API_PORT: '5' }).targets[0]
        ?.describe,
    ).toBe('GET http://127.0.0.1:5/health');
    expect(healthTargets(model(undefined), { API_PORT: '5' }).targets[0]?.describe).toBe(
      'connect 127.0.0.1:5 (API_PORT)',
    );
  });
});

describe('what real scenarios declare', () => {
  it('2025-08-07: categorised resources, and SQL from initialization.data', async () => {
    const dir = fixture('2025-08-07_campaign-content-studio');
    const m = (await readService(dir))!;
    expect(m.lifecycle).toBeNull();
    expect(m.resources.map((r) => `${r.declaredAt}:${r.kind}`)).toEqual(
      expect.arrayContaining([
        'resources.storage.postgres:postgres',
        'resources.ai.ollama:ollama',
        'resources.storage.minio:object-store',
      ]),
    );
    expect((await planSql(m, dir, true)).files).toEqual([
      'initialization/storage/schema.sql',
      'initialization/storage/seed.sql',
    ]);
  });
  it('2025-08-29: flat resources, lifecycle steps, SQL from the conventional folder', async () => {
    const dir = fixture('2025-08-29_simple-test');
    const m = (await readService(dir))!;
    expect(m.resources.map((r) => r.declaredAt)).toEqual(['resources.postgres']);
    expect(m.lifecycle?.develop.find((s) => s.name === 'start-app')?.background).toBe(true);
    expect(m.lifecycle?.develop.find((s) => s.name === 'wait-for-app')).toMatchObject({
      attempts: 10,
      retryDelayMs: 1000,
    });
    expect((await planSql(m, dir, false)).files).toEqual([
      'initialization/storage/postgres/schema.sql',
      'initialization/storage/postgres/seed.sql',
    ]);
  });
  it('2026-01-09: dependencies.resources and health checks', async () => {
    const dir = fixture('2026-01-09_fall-foliage-explorer');
    const m = (await readService(dir))!;
    expect(m.resources.filter((r) => r.required).map((r) => r.name)).toEqual([
      'postgres',
      'redis',
      'n8n',
      'ollama',
      'qdrant',
    ]);
    expect(m.health?.checks.map((c) => [c.name, c.critical])).toEqual([
      ['api_endpoint', true],
      ['ui_endpoint', false],
    ]);
    expect((await planSql(m, dir, false)).files).toEqual(['initialization/postgres/schema.sql']);
  });
});

describe('the verdict', () => {
  const s = (
    phase: StepResult['phase'],
    status: StepResult['status'],
    extra: Partial<StepResult> = {},
  ): StepResult => ({
    phase,
    name: `${phase}-${status}`,
    status,
    exitCode: null,
    timedOut: false,
    durationMs: 0,
    outputTail: '',
    ...extra,
  });
  const run = (steps: StepResult[], missingResources: string[] = [], lifecycle = true) =>
    judgeRun({ lifecycle, missingResources, steps, findings: [] });
  it('orders evidence: structure < ran < tested', () => {
    expect(
      run([s('setup', 'passed'), s('develop', 'passed'), s('health', 'passed')]).evidence,
    ).toBe('ran');
    expect(run([s('setup', 'passed'), s('health', 'passed'), s('test', 'passed')]).evidence).toBe(
      'tested',
    );
    expect(run([s('setup', 'passed'), s('test', 'passed')]).evidence).toBe('structure');
    expect(run([s('test', 'passed')], [], false).evidence).toBe('tested');
  });
  it('is never a pass when something was missing', () => {
    const r = run([s('setup', 'not-exercised', { missing: ['go'] }), s('develop', 'skipped')]);
    expect(r).toEqual({ status: 'not-exercised', evidence: 'structure', missing: ['go'] });
    expect(run([], ['resource ollama: …'])).toMatchObject({
      status: 'not-exercised',
      evidence: 'structure',
    });
  });
});
