import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listArtifacts } from '../../db/artifacts.ts';
import { listInteractions } from '../../db/interactions.ts';
import { getRun } from '../../db/runs.ts';
import { listValidations } from '../../db/validations.ts';
import { createPipelineHarness, type PipelineHarness } from './harness.ts';

describe('pipeline: the validation loop repairs a broken implementation', () => {
  let h: PipelineHarness;
  beforeAll(async () => {
    // The first implementation leaves out a referenced file; the first fix writes it.
    h = await createPipelineHarness({ scriptOptions: { brokenImplementations: 1 } });
  });
  afterAll(() => h.close());

  it('feeds the finding (with its rule id) to a fix session and deploys the fixed files', async () => {
    const s = await h.newScenario();
    const run = (await h.pipeline.control.generate(s.id, 'test')) as { id: string };
    const done = await h.waitFor(s.id, ['deployed', 'failed', 'cancelled']);
    expect(done.status).toBe('deployed');
    const validations = (await listValidations(h.db.sql, run.id)).filter(
      (v) => v.phase === 'validating' && v.validator === 'builtin',
    );
    expect(validations.map((v) => [v.attempt, v.passed])).toEqual([
      [1, false],
      [2, true],
    ]);
    const missing = (
      validations[0]!.findings as Array<{ ruleId: string; message: string; severity: string }>
    ).filter((f) => f.severity === 'error');
    expect(missing).toEqual([
      expect.objectContaining({
        ruleId: 'file.missing',
        message: expect.stringContaining('initialization/storage/schema.sql'),
      }),
    ]);
    const fixPrompt =
      h.double.requests.find((r) => r.context?.prompt.startsWith('# Fix the validation errors'))
        ?.context?.prompt ?? '';
    expect(fixPrompt).toContain('file.missing');
    expect(fixPrompt).toContain('initialization/storage/schema.sql');
    expect((await listInteractions(h.db.sql, run.id)).map((i) => i.promptTemplate)).toEqual([
      'initial-plan',
      'score-plan',
      'implement',
      'fix-validation',
    ]);
    const artifacts = await listArtifacts(h.db.sql, { runId: run.id });
    expect(artifacts.map((a) => `${a.phase}-${a.iteration}`)).toEqual([
      'implementing-1',
      'validating-1',
      'deploying-1',
    ]);
    expect((await getRun(h.db.sql, run.id)).facts).toMatchObject({
      firstPassValid: false,
      validationAttempts: 2,
      signatures: [expect.stringContaining('file.missing')],
    });
    const [pattern] = await h.db.sql<
      { occurrences: number; rule_id: string }[]
    >`SELECT occurrences, rule_id FROM improvement_patterns`;
    expect(pattern).toMatchObject({ rule_id: 'file.missing', occurrences: 1 });
  }, 180_000);
});

describe('pipeline: a run whose fixes are exhausted fails and is not deployed', () => {
  let h: PipelineHarness;
  beforeAll(async () => {
    h = await createPipelineHarness({
      scriptOptions: { brokenImplementations: 5, brokenFixes: 5 },
    });
  });
  afterAll(() => h.close());

  it('ends failed with validation_failed and no archive', async () => {
    const s = await h.newScenario({
      config: { planningIterations: 1, implementationIterations: 1, validationFixes: 2 },
    });
    const run = (await h.pipeline.control.generate(s.id, 'test')) as { id: string };
    const done = await h.waitFor(s.id, ['deployed', 'failed', 'cancelled']);
    expect(done.status).toBe('failed');
    expect(done.error).toMatch(/still invalid after 2 fix/);
    const finished = await getRun(h.db.sql, run.id);
    expect(finished).toMatchObject({ status: 'failed', failureClass: 'validation_failed' });
    expect(
      (await listValidations(h.db.sql, run.id))
        .filter((v) => v.phase === 'validating' && v.validator === 'builtin')
        .map((v) => v.passed),
    ).toEqual([false, false, false]);
    expect((await listArtifacts(h.db.sql, { runId: run.id, kind: 'archive' })).length).toBe(0);
  }, 180_000);
});

describe('analytics after runs', () => {
  it('reports success and first-pass rates, failure classes and recurring signatures', async () => {
    const h = await createPipelineHarness({ scriptOptions: { brokenImplementations: 1 } });
    try {
      const { createApp } = await import('../../functions/app.ts');
      const app = createApp({
        config: h.config,
        sql: h.db.sql,
        store: h.store,
        bus: h.bus,
        meta: { version: 't', demoModel: false, executor: 'local' },
        pipeline: h.pipeline.control,
      });
      const s = await h.newScenario();
      await h.pipeline.control.generate(s.id, 'test');
      expect((await h.deployed(s.id)).status).toBe('deployed');
      const res = await app.fetch(
        new Request(`http://127.0.0.1/api/analytics?campaign=${h.campaignId}`),
      );
      const a = (await res.json()) as {
        summary: Record<string, unknown>;
        patterns: Array<{ ruleId: string; occurrences: number }>;
        recent: Array<{ sessions: number; firstPassValid: boolean }>;
      };
      expect(a.summary).toMatchObject({
        runs: 1,
        succeeded: 1,
        successRate: 100,
        firstPassRate: 0,
      });
      expect(a.patterns[0]).toMatchObject({ ruleId: 'file.missing', occurrences: 1 });
      expect(a.recent[0]).toMatchObject({ sessions: 4, firstPassValid: false });
    } finally {
      await h.close();
    }
  }, 180_000);
});
