import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listInteractions } from '../../db/interactions.ts';
import { listLogs } from '../../db/logs.ts';
import { getRun } from '../../db/runs.ts';
import { listValidations } from '../../db/validations.ts';
import { createScenarioScript } from '../../runner/model-double/scenario-script.ts';
import type { ScriptFn } from '../../runner/model-double/script.ts';
import { createPipelineHarness, type PipelineHarness } from './harness.ts';

/**
 * Success means a scenario that ran: the runtime check runs after the structural one, its
 * findings feed the fix loop, and a run records how far its scenario was proven.
 */
async function generate(
  h: PipelineHarness,
  overrides: Parameters<PipelineHarness['newScenario']>[0] = {},
) {
  const s = await h.newScenario(overrides);
  const run = (await h.pipeline.control.generate(s.id, 'test')) as { id: string };
  const done = await h.waitFor(s.id, ['deployed', 'failed', 'cancelled'], 240_000);
  return { s, runId: run.id, done, run: await getRun(h.db.sql, run.id) };
}

describe('pipeline: a mistake only running reveals is caught and fixed (the demo loop)', () => {
  let h: PipelineHarness;
  beforeAll(async () => {
    h = await createPipelineHarness({ scriptOptions: { runtimeMistakes: 1 } });
  });
  afterAll(() => h.close());

  it('the runtime check fails the first build on its SQL, a fix reads and repairs it, the run ends tested', async () => {
    const { s, runId, done, run } = await generate(h);
    expect(done.status, done.error ?? '').toBe('deployed');
    const v = (await listValidations(h.db.sql, runId)).filter((x) => x.phase === 'validating');
    expect(v.map((x) => [x.validator, x.attempt, x.passed])).toEqual([
      ['builtin', 1, true],
      ['runtime', 1, false],
      ['builtin', 2, true],
      ['runtime', 2, true],
    ]);
    const first = v[1]!.findings as Array<{
      ruleId: string;
      file?: string;
      line?: number;
      message: string;
    }>;
    const sqlError = first.find(
      (f) => f.ruleId.startsWith('runtime.') && f.file?.endsWith('schema.sql'),
    );
    expect(sqlError, JSON.stringify(first)).toBeDefined();
    // The fix prompt carried the runtime finding, and the fix read the file before rewriting it.
    const fixPrompt =
      h.double.requests.find((r) => r.context?.prompt.startsWith('# Fix the validation errors'))
        ?.context?.prompt ?? '';
    expect(fixPrompt).toContain(sqlError!.ruleId);
    const toolErrors = h.double.requests
      .flatMap((r) => r.context?.lastToolResults ?? [])
      .filter((t) => t.isError);
    expect(toolErrors.map((t) => t.content)).toEqual([]);
    expect((await listInteractions(h.db.sql, runId)).map((i) => i.promptTemplate)).toContain(
      'fix-validation',
    );
    expect(run.facts).toMatchObject({
      evidence: 'tested',
      runtimeStatus: 'passed',
      firstPassValid: false,
    });
    const logs = (await listLogs(h.db.sql, s.id)).map((l) => l.message);
    expect(logs.some((m) => /Deployed \(evidence: tested\)/.test(m))).toBe(true);
  }, 300_000);
});

describe('pipeline: every profile the demo writes runs', () => {
  let h: PipelineHarness;
  beforeAll(async () => {
    h = await createPipelineHarness();
  });
  afterAll(() => h.close());

  it.each(['vrooli-2025-08-29', 'vrooli-2026-01-09'])(
    '%s ends deployed, tested',
    async (profile) => {
      const { done, run, runId } = await generate(h, {
        targetFormat: profile,
        title: `Shelf ${profile}`,
      });
      expect(done.status, done.error ?? '').toBe('deployed');
      expect(run.facts).toMatchObject({ evidence: 'tested', runtimeStatus: 'passed' });
      const fixes = (await listInteractions(h.db.sql, runId)).filter(
        (i) => i.promptTemplate === 'fix-validation',
      );
      expect(fixes).toEqual([]);
    },
    300_000,
  );
});

/** The demo script, with an enabled, required ollama added to the service: nothing here serves it. */
function needsOllama(): ScriptFn {
  const inner = createScenarioScript();
  return (ctx) => {
    const turn = inner(ctx);
    if (turn.type !== 'tool_use' || turn.name !== 'Write') return turn;
    const input = turn.input as { file_path: string; content: string };
    if (!input.file_path.endsWith('.vrooli/service.json')) return turn;
    const sj = JSON.parse(input.content) as { resources: Record<string, Record<string, unknown>> };
    sj.resources['ai'] = { ollama: { type: 'ollama', enabled: true, required: true } };
    return { ...turn, input: { ...input, content: JSON.stringify(sj, null, 2) } };
  };
}

describe('pipeline: a scenario this machine cannot run', () => {
  for (const mode of ['required', 'advisory'] as const) {
    describe(`RUN_CHECK=${mode}`, () => {
      let h: PipelineHarness;
      beforeAll(async () => {
        h = await createPipelineHarness({ script: needsOllama(), env: { RUN_CHECK: mode } });
      });
      afterAll(() => h.close());

      it(
        mode === 'required'
          ? 'is not deployed, and says what was missing'
          : 'is deployed with evidence structure',
        async () => {
          const { done, run, runId } = await generate(h);
          const fixes = (await listInteractions(h.db.sql, runId)).filter(
            (i) => i.promptTemplate === 'fix-validation',
          );
          expect(fixes).toEqual([]); // nothing a fix could change
          if (mode === 'required') {
            expect(done.status).toBe('failed');
            expect(run.failureClass).toBe('not_exercised');
            expect(run.error).toMatch(/ollama/);
          } else {
            expect(done.status, done.error ?? '').toBe('deployed');
            expect(run.facts).toMatchObject({
              evidence: 'structure',
              runtimeStatus: 'not-exercised',
            });
          }
        },
        300_000,
      );
    });
  }
});
