import { existsSync, readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listArtifacts } from '../../db/artifacts.ts';
import { getRun, listRuns } from '../../db/runs.ts';
import { createScenarioScript } from '../../runner/model-double/scenario-script.ts';
import { createPipelineHarness, type PipelineHarness } from './harness.ts';

/**
 * Change requests (issue 14 item 12): on a deployed scenario, a change run starts from the
 * deployed files — the planner and the first build see them in their working directory, and the
 * prompt carries the change — then validates, run-checks and deploys a new version, whose parent
 * is the version it changed.
 */
describe('pipeline: a change request', () => {
  let h: PipelineHarness;
  /** For each session whose prompt carried a change: its task and the files it started with. */
  const seen: Array<{ task: string; files: string[] }> = [];
  beforeAll(async () => {
    const script = createScenarioScript({
      intercept: (task, ctx) => {
        if (ctx.position === 0 && ctx.prompt.includes('## Change request') && ctx.cwd)
          seen.push({ task, files: existsSync(ctx.cwd) ? readdirSync(ctx.cwd) : [] });
        return undefined;
      },
    });
    h = await createPipelineHarness({ script });
  });
  afterAll(() => h?.close());

  it('plans and builds the change from the deployed files and deploys a new version', async () => {
    const s = await h.newScenario();
    const first = await h.pipeline.control.generate(s.id, 'test');
    expect((await h.deployed(s.id, 180_000)).status).toBe('deployed');
    expect(seen).toEqual([]);

    const change = await h.pipeline.control.change(s.id, 'Add a /stats endpoint.', 'test');
    expect(change).toMatchObject({ trigger: 'change', parentRunId: first.id });
    expect((await h.deployed(s.id, 180_000)).status).toBe('deployed');
    const done = await getRun(h.db.sql, change.id);
    expect(done.status).toBe('succeeded');
    expect(done.config.change).toMatchObject({
      request: 'Add a /stats endpoint.',
      baseRunId: first.id,
    });

    // The planner and the first build started with the deployed version's files.
    const plan = seen.find((x) => x.task === 'plan');
    const build = seen.find((x) => x.task === 'implement');
    expect(plan?.files).toContain('.vrooli');
    expect(build?.files).toContain('.vrooli');
    // Two deployed versions now, each with its own archive.
    const deployed = await listRuns(h.db.sql, { scenarioId: s.id, statuses: ['succeeded'] });
    expect(deployed.map((r) => r.id)).toEqual([change.id, first.id]);
    for (const r of deployed)
      expect((await listArtifacts(h.db.sql, { runId: r.id, kind: 'archive' })).length).toBe(1);
  }, 400_000);

  it('refuses a change to a scenario that never deployed', async () => {
    const s = await h.newScenario({ title: 'Never deployed' });
    await expect(h.pipeline.control.change(s.id, 'Anything', 'test')).rejects.toThrow(
      /no deployed version/,
    );
  });
});
