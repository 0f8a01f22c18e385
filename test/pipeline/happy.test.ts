import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listArtifacts } from '../../db/artifacts.ts';
import { listInteractions } from '../../db/interactions.ts';
import { listPlanVersions } from '../../db/plans.ts';
import { getRun } from '../../db/runs.ts';
import { listSteps } from '../../db/run-steps.ts';
import { listValidations } from '../../db/validations.ts';
import { readBundleFile, unpackBundle } from '../../runner/bundle.ts';
import { validateScenario } from '../../runner/validate/index.ts';
import { createPipelineHarness, type PipelineHarness } from './harness.ts';
import { mkdtempSync } from 'node:fs';
import path from 'node:path';

describe('pipeline: a request becomes a deployed scenario', () => {
  let h: PipelineHarness;
  beforeAll(async () => {
    h = await createPipelineHarness({
      scriptOptions: {
        scores: (v) => ({
          completeness: v === 2 ? 24 : 15,
          feasibility: 20,
          clarity: 20,
          risk: 20,
        }),
      },
    });
  });
  afterAll(() => h.close());

  it('plans three versions, carries the best (version 2) forward, builds, validates and deploys', async () => {
    const s = await h.newScenario({
      config: { planningIterations: 3, implementationIterations: 1, validationFixes: 1 },
    });
    const run = (await h.pipeline.control.generate(s.id, 'test')) as { id: string };
    const done = await h.waitFor(s.id, ['deployed', 'failed', 'cancelled'], 180_000);
    expect(done.error).toBeNull();
    expect(done.status).toBe('deployed');
    expect(done.progress).toBe(100);

    const plans = await listPlanVersions(h.db.sql, run.id);
    expect(plans.map((p) => [p.iteration, p.score, p.chosen])).toEqual([
      [1, 75, false],
      [2, 84, true],
      [3, 75, false],
    ]);
    // The implementation prompt was built from version 2's text.
    const implement = h.double.requests.find((r) =>
      r.context?.prompt.startsWith('# Build a Vrooli scenario'),
    );
    expect(implement?.context?.prompt).toContain('plan-marker: v2');
    // Refinement 3 saw every earlier version's score and critique.
    const refine3 = h.double.requests
      .filter((r) => r.context?.prompt.startsWith('# Improve a Vrooli scenario plan'))
      .at(-1);
    expect(refine3?.context?.prompt).toMatch(
      /Version 1[\s\S]*Score 75\/100[\s\S]*Version 2[\s\S]*Score 84\/100/,
    );

    const interactions = await listInteractions(h.db.sql, run.id);
    expect(interactions.map((i) => i.promptTemplate)).toEqual([
      'initial-plan',
      'score-plan',
      'refine-plan',
      'score-plan',
      'refine-plan',
      'score-plan',
      'implement',
    ]);
    expect(
      interactions.every(
        (i) => i.outcome === 'success' && i.promptVersion.length === 12 && (i.costUsd ?? 0) > 0,
      ),
    ).toBe(true);

    const bundles = await listArtifacts(h.db.sql, { runId: run.id });
    expect(bundles.map((b) => `${b.kind}:${b.phase}`)).toEqual([
      'bundle:implementing',
      'archive:deploying',
    ]);
    expect(bundles[0]!.manifest.map((m) => m.path)).toContain('.vrooli/service.json');
    const service = JSON.parse(
      (await readBundleFile(h.store, bundles[0]!.objectKey, '.vrooli/service.json')).toString(),
    );
    expect(service.service.name).toBe(s.slug);

    const validations = await listValidations(h.db.sql, run.id);
    expect(
      validations
        .filter((v) => v.phase === 'validating')
        .map((v) => [v.validator, v.attempt, v.passed]),
    ).toEqual([
      ['builtin', 1, true],
      ['runtime', 1, true],
    ]);

    // What was deployed passes the validator.
    const out = path.join(mkdtempSync(path.join(h.dir, 'check-')), s.slug);
    await unpackBundle(h.store, bundles[0]!.objectKey, out);
    expect(
      (await validateScenario({ dir: out, profile: s.targetFormat, name: s.slug })).valid,
    ).toBe(true);

    const finished = await getRun(h.db.sql, run.id);
    expect(finished.status).toBe('succeeded');
    expect(finished.facts).toMatchObject({
      sessions: 7,
      firstPassValid: true,
      // It ran: the runtime check started its API, answered health and passed its test.sh.
      evidence: 'tested',
      runtimeStatus: 'passed',
      deploy: { target: 'archive' },
    });
    expect((finished.facts as { phaseMs: Record<string, number> }).phaseMs).toHaveProperty(
      'planning',
    );
    const steps = await listSteps(h.db.sql, run.id);
    expect(steps.every((st) => st.status === 'completed')).toBe(true);
    expect(steps.map((st) => st.stepKey)).toEqual(
      expect.arrayContaining([
        'plan-1',
        'score-3',
        'choose-plan',
        'implement-1',
        'validate-1',
        'deploy',
        'finish',
      ]),
    );
  }, 240_000);
});
