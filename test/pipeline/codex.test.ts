import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listInteractions } from '../../db/interactions.ts';
import { getRun } from '../../db/runs.ts';
import { createPipelineHarness, type PipelineHarness } from './harness.ts';

/**
 * The whole pipeline with Codex CLI as the agent: the real CLI against the model double's
 * Responses API, the same scenario script the Claude demo uses (plans and scores as structured
 * answers, files written with apply_patch), the runtime check running what it wrote.
 */
describe('pipeline with the codex agent', () => {
  let h: PipelineHarness;
  beforeAll(async () => {
    h = await createPipelineHarness({ agent: 'codex', scriptOptions: { runtimeMistakes: 1 } });
  });
  afterAll(() => h?.close());

  it('plans, builds, fixes what the runtime check found, and deploys', async () => {
    const s = await h.newScenario({
      config: { planningIterations: 1, implementationIterations: 1, validationFixes: 2 },
    });
    const run = (await h.pipeline.control.generate(s.id, 'test')) as { id: string };
    const done = await h.waitFor(s.id, ['deployed', 'failed', 'cancelled'], 300_000);
    expect(done.error).toBeNull();
    expect(done.status).toBe('deployed');
    const interactions = await listInteractions(h.db.sql, run.id);
    // The planted runtime mistake was found by running the scenario and fixed by a second session.
    expect(interactions.map((i) => i.promptTemplate)).toEqual([
      'initial-plan',
      'score-plan',
      'implement',
      'fix-validation',
    ]);
    expect(interactions.every((i) => i.agent === 'codex')).toBe(true);
    expect(interactions.every((i) => i.outcome === 'success')).toBe(true);
    expect((await getRun(h.db.sql, run.id)).status).toBe('succeeded');
    // Codex spoke the Responses API: every main request had a Codex tool list.
    const main = h.double.requests.filter((r) => r.kind === 'messages');
    expect(main.length).toBeGreaterThan(0);
    expect(main.every((r) => r.context?.toolNames.includes('apply_patch'))).toBe(true);
  }, 320_000);
});
