import { describe, expect, it } from 'vitest';
import { parseConfig } from '../core/config.ts';
import type { PipelineDeps } from './stage-kit/deps.ts';
import { createFunctions } from './stages/index.ts';
import { concurrencyKeys } from './engine/local/concurrency.ts';
import { enqueueOnlySpecs, FUNCTION_ROUTES, needsRunner } from './routes.ts';
import { GENERATION_REQUESTED } from './events.ts';
import { NOTICE_REQUESTED } from './notices.ts';

/**
 * The routing table the edge enqueues with is the real specs' routing: same ids, triggers,
 * schemas, concurrency keys and cancel rules, so a run row the edge inserts is the row the
 * worker's own executor would have inserted.
 */
describe('function routes', () => {
  const real = createFunctions({
    config: parseConfig({}),
  } as unknown as PipelineDeps);
  const routed = enqueueOnlySpecs();

  it('declare every function, with the routing of its real spec', () => {
    expect(routed.map((s) => s.id).sort()).toEqual(real.map((s) => s.id).sort());
    const event = {
      name: 'x',
      data: { campaignId: 'c1', runId: 'r1', scenarioId: 's1' },
      id: 'e1',
    };
    for (const spec of real) {
      const r = routed.find((s) => s.id === spec.id)!;
      expect(r.trigger, spec.id).toEqual(spec.trigger);
      expect(r.schema, spec.id).toBe(spec.schema);
      expect(r.cancelOn ?? [], spec.id).toEqual(spec.cancelOn ?? []);
      expect(concurrencyKeys(r, event), spec.id).toEqual(concurrencyKeys(spec, event));
    }
  });

  it('place the agent, validator and runtime stages on runners, notices anywhere', () => {
    expect(needsRunner(GENERATION_REQUESTED)).toBe(true);
    expect(needsRunner(NOTICE_REQUESTED)).toBe(false);
    expect(FUNCTION_ROUTES.filter((r) => r.placement === 'light').map((r) => r.id)).toEqual([
      'notify-run',
    ]);
  });
});
