import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { InngestTestEngine } from '@inngest/test';
import type { InngestFunction } from 'inngest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../core/log.ts';
import { listArtifacts } from '../../../db/artifacts.ts';
import { listInteractions } from '../../../db/interactions.ts';
import { listPlanVersions } from '../../../db/plans.ts';
import { getRun } from '../../../db/runs.ts';
import { listSteps } from '../../../db/run-steps.ts';
import { packBundle, readBundleFile } from '../../../runner/bundle.ts';
import { httpError } from '../../../runner/model-double/script.ts';
import {
  scenarioFiles,
  type ScenarioScriptOptions,
} from '../../../runner/model-double/scenario-script.ts';
import { enterPhase } from '../../../db/run-state.ts';
import { createControl } from '../../control.ts';
import {
  BUILD_REQUESTED,
  DEPLOY_REQUESTED,
  GENERATION_REQUESTED,
  PLAN_REQUESTED,
  VALIDATE_REQUESTED,
} from '../../events.ts';
import { createFunctions } from '../../stages/index.ts';
import { createInngestClient } from './client.ts';
import { createInngestEngine } from './engine.ts';
import { toInngestFunctions } from './function.ts';
import { startFakeInngest, type FakeInngest } from './testing/fake-inngest.ts';
import { createStageDeps, type StageDeps } from './testing/stage-deps.ts';

/**
 * Each stage function as Inngest runs it (@inngest/test drives the served function, step by step,
 * replaying memoised steps as an Inngest server would), with its real step handlers on a real
 * database, object store, Claude Code CLI and model double. Only what an Inngest server would do
 * itself is mocked: invoked child runs and elapsed sleeps.
 */
type StepMock = { mock: { calls: unknown[][] } };
const stepIds = (ctx: { step: Record<string, unknown> }, tool: string): string[] =>
  (ctx.step[tool] as StepMock).mock.calls.map((c) => c[0] as string);

interface Env {
  s: StageDeps;
  fake: FakeInngest;
  fns: Map<string, InngestFunction.Any>;
  /** Creates a scenario and its run the way the API does (the event goes to the fake server). */
  start(
    config?: Parameters<StageDeps['newScenario']>[0],
  ): Promise<{ runId: string; scenarioId: string; campaignId: string; slug: string }>;
  bundle(slug: string, runId: string, omitSchema?: boolean): Promise<string>;
}

async function setup(script?: ScenarioScriptOptions): Promise<Env> {
  const fake = await startFakeInngest();
  const s = await createStageDeps(script ? { script } : {});
  const client = createInngestClient(
    { INNGEST_DEV: { dev: true }, INNGEST_BASE_URL: fake.url },
    { log: createLogger('error', [], () => {}) },
  );
  const specs = createFunctions(s.deps);
  const fns = new Map(toInngestFunctions(client, specs).map((f) => [f.id(), f]));
  const control = createControl({
    sql: s.db.sql,
    engine: createInngestEngine(client, specs),
    lifecycle: s.deps.lifecycle,
    defaultModel: s.config.AGENT_MODEL,
  });
  return {
    s,
    fake,
    fns,
    async start(config) {
      const scenario = await s.newScenario(config);
      const run = (await control.generate(scenario.id, 'test')) as { id: string };
      return {
        runId: run.id,
        scenarioId: scenario.id,
        campaignId: s.campaignId,
        slug: scenario.slug,
      };
    },
    async bundle(slug, runId, omitSchema = false) {
      const dir = path.join(mkdtempSync(path.join(s.dir, 'bundle-')), slug);
      for (const [file, content] of scenarioFiles(slug, '', omitSchema)) {
        mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
        writeFileSync(path.join(dir, file), content);
      }
      return (await packBundle(s.store, dir, `runs/${runId}/bundles/test.tar.gz`)).key;
    },
  };
}

describe('served stage functions, without agent sessions', () => {
  let e: Env;
  beforeAll(async () => {
    e = await setup();
  });
  afterAll(async () => {
    await e?.s.close();
    await e?.fake.close();
  });

  const child = async <T>(
    runId: string,
    phase: 'planning' | 'implementing' | 'validating' | 'deploying',
    value: T,
  ): Promise<T> => {
    await enterPhase(e.s.db.sql, runId, phase, 1);
    return value;
  };

  it('deploy-scenario deploys a real bundle to the archive target', async () => {
    const ref = await e.start();
    const bundleKey = await e.bundle(ref.slug, ref.runId);
    const t = new InngestTestEngine({ function: e.fns.get('deploy-scenario')! });
    const { result, error, ctx } = await t.execute({
      events: [
        {
          name: DEPLOY_REQUESTED,
          data: {
            runId: ref.runId,
            scenarioId: ref.scenarioId,
            campaignId: ref.campaignId,
            bundleKey,
          },
        },
      ],
    });
    expect(error).toBeUndefined();
    expect(result).toEqual({
      target: 'archive',
      location: expect.stringMatching(/^deployments\//),
      archiveKey: expect.stringContaining(`${ref.slug}-${ref.runId}.tar.gz`),
    });
    expect(stepIds(ctx, 'run')).toEqual(['load', 'deploy']);
    const archive = (result as { archiveKey: string }).archiveKey;
    // The archive holds the scenario under its name, as a Vrooli checkout expects it.
    const service = JSON.parse(
      (await readBundleFile(e.s.store, archive, `${ref.slug}/.vrooli/service.json`)).toString(),
    );
    expect(service.service.name).toBe(ref.slug);
    const artifacts = await listArtifacts(e.s.db.sql, { runId: ref.runId, kind: 'archive' });
    expect(artifacts.map((a) => [a.phase, a.objectKey])).toEqual([['deploying', archive]]);
    expect((await listSteps(e.s.db.sql, ref.runId)).map((st) => [st.stepKey, st.status])).toEqual([
      ['deploy', 'completed'],
    ]);
  });

  it('validate-scenario passes a valid bundle on the first validation', async () => {
    const ref = await e.start();
    const bundleKey = await e.bundle(ref.slug, ref.runId);
    const t = new InngestTestEngine({ function: e.fns.get('validate-scenario')! });
    const { result, error, ctx } = await t.execute({
      events: [
        {
          name: VALIDATE_REQUESTED,
          data: {
            runId: ref.runId,
            scenarioId: ref.scenarioId,
            campaignId: ref.campaignId,
            bundleKey,
          },
        },
      ],
    });
    expect(error).toBeUndefined();
    expect(result).toEqual({
      valid: true,
      deployable: true,
      evidence: 'tested',
      runtimeStatus: 'passed',
      bundleKey,
      attempts: 1,
      fixes: 0,
      firstPassValid: true,
      signatures: [],
      errorCount: 0,
    });
    expect(stepIds(ctx, 'run')).toEqual(['load', 'validate-1', 'count-signatures']);
  });

  it('a bad event fails at once, before any step', async () => {
    const t = new InngestTestEngine({ function: e.fns.get('deploy-scenario')! });
    const { result, error, ctx } = await t.execute({
      events: [{ name: DEPLOY_REQUESTED, data: { runId: 'nope' } }],
    });
    expect(result).toBeUndefined();
    expect(error).toMatchObject({
      name: 'NonRetriableError',
      message: expect.stringContaining('Invalid data for deploy-scenario'),
    });
    expect(stepIds(ctx, 'run')).toEqual([]);
  });

  it('generate-scenario invokes the four stages by their Inngest functions and records the outcome', async () => {
    const ref = await e.start();
    const bundleKey = await e.bundle(ref.slug, ref.runId);
    const t = new InngestTestEngine({
      function: e.fns.get('generate-scenario')!,
      // The child runs, as far as the orchestrator can tell: their phase on the run, their result.
      steps: [
        {
          id: 'plan',
          handler: () =>
            child(ref.runId, 'planning', {
              chosenIteration: 1,
              planKey: `runs/${ref.runId}/plans/v01.md`,
              score: 80,
              versions: 1,
            }),
        },
        {
          id: 'build',
          handler: () =>
            child(ref.runId, 'implementing', {
              bundleKey,
              artifactId: 'a',
              valid: true,
              iterations: 1,
            }),
        },
        {
          id: 'validate',
          handler: () =>
            child(ref.runId, 'validating', {
              valid: true,
              deployable: true,
              evidence: 'tested',
              bundleKey,
              attempts: 1,
              fixes: 0,
              firstPassValid: true,
              signatures: [],
              errorCount: 0,
            }),
        },
        {
          id: 'deploy',
          handler: () =>
            child(ref.runId, 'deploying', {
              target: 'archive',
              location: 'deployments/x.tar.gz',
              archiveKey: 'deployments/x.tar.gz',
            }),
        },
      ],
    });
    const { result, error, ctx } = await t.execute({
      events: [
        {
          name: GENERATION_REQUESTED,
          data: { runId: ref.runId, scenarioId: ref.scenarioId, campaignId: ref.campaignId },
        },
      ],
    });
    expect(error).toBeUndefined();
    expect(result).toEqual({ status: 'succeeded' });
    expect(stepIds(ctx, 'invoke')).toEqual(['plan', 'build', 'validate', 'deploy']);
    const invoke = (ctx.step.invoke as unknown as StepMock).mock.calls;
    expect(invoke.map((c) => (c[1] as { function: InngestFunction.Any }).function)).toEqual(
      ['plan-scenario', 'build-scenario', 'validate-scenario', 'deploy-scenario'].map((id) =>
        e.fns.get(id),
      ),
    );
    expect((invoke[1]![1] as { data: unknown }).data).toEqual({
      runId: ref.runId,
      scenarioId: ref.scenarioId,
      campaignId: ref.campaignId,
      planKey: `runs/${ref.runId}/plans/v01.md`,
    });
    expect(stepIds(ctx, 'run')).toEqual(['load', 'finish']);
    const run = await getRun(e.s.db.sql, ref.runId);
    expect(run.status).toBe('succeeded');
    expect(run.facts).toMatchObject({
      deploy: { target: 'archive', location: 'deployments/x.tar.gz' },
    });
  });

  it('generate-scenario fails a run that stays invalid and never invokes deploy', async () => {
    const ref = await e.start();
    const t = new InngestTestEngine({
      function: e.fns.get('generate-scenario')!,
      steps: [
        {
          id: 'plan',
          handler: () =>
            child(ref.runId, 'planning', {
              chosenIteration: 1,
              planKey: 'p',
              score: 80,
              versions: 1,
            }),
        },
        {
          id: 'build',
          handler: () =>
            child(ref.runId, 'implementing', {
              bundleKey: 'b',
              artifactId: 'a',
              valid: false,
              iterations: 1,
            }),
        },
        {
          id: 'validate',
          handler: () =>
            child(ref.runId, 'validating', {
              valid: false,
              deployable: false,
              evidence: 'structure',
              bundleKey: 'b',
              attempts: 2,
              fixes: 1,
              firstPassValid: false,
              signatures: ['sig'],
              errorCount: 3,
            }),
        },
      ],
    });
    const { result, ctx } = await t.execute({
      events: [
        {
          name: GENERATION_REQUESTED,
          data: { runId: ref.runId, scenarioId: ref.scenarioId, campaignId: ref.campaignId },
        },
      ],
    });
    expect(result).toEqual({ status: 'failed' });
    expect(stepIds(ctx, 'invoke')).toEqual(['plan', 'build', 'validate']);
    expect(stepIds(ctx, 'run')).toEqual(['load', 'finish-invalid']);
    const run = await getRun(e.s.db.sql, ref.runId);
    expect([run.status, run.failureClass]).toEqual(['failed', 'validation_failed']);
  });
});

describe('served stage functions with agent sessions (real CLI, model double)', () => {
  let e: Env;
  let limitPlans = false;
  let limited = 0;
  beforeAll(async () => {
    // The CLI retries a 429 once by itself (CLAUDE_CODE_MAX_RETRIES=1), so two 429s end the first
    // planning session with a usage limit.
    e = await setup({
      intercept: (task) =>
        task === 'plan' && limitPlans && limited < 2 ? (limited++, httpError(429)) : undefined,
    });
  });
  afterAll(async () => {
    await e?.s.close();
    await e?.fake.close();
  });

  it('plan-scenario writes, scores and chooses a plan', async () => {
    const ref = await e.start({ planningIterations: 1 });
    const t = new InngestTestEngine({ function: e.fns.get('plan-scenario')! });
    const { result, error, ctx } = await t.execute({
      events: [
        {
          name: PLAN_REQUESTED,
          data: { runId: ref.runId, scenarioId: ref.scenarioId, campaignId: ref.campaignId },
        },
      ],
    });
    expect(error).toBeUndefined();
    expect(result).toEqual({
      chosenIteration: 1,
      planKey: expect.stringContaining(ref.runId),
      score: 69,
      versions: 1,
    });
    // Each agent session is preceded by its spending-cap check (a step of its own).
    expect(stepIds(ctx, 'run')).toEqual([
      'load',
      'plan-1:spend',
      'plan-1',
      'score-1:spend',
      'score-1',
      'choose-plan',
    ]);
    expect(
      (await listPlanVersions(e.s.db.sql, ref.runId)).map((p) => [p.iteration, p.score, p.chosen]),
    ).toEqual([[1, 69, true]]);
    expect(
      (await listInteractions(e.s.db.sql, ref.runId)).map((i) => [
        i.stepKey,
        i.promptTemplate,
        i.outcome,
      ]),
    ).toEqual([
      ['plan-1', 'initial-plan', 'success'],
      ['score-1', 'score-plan', 'success'],
    ]);
  }, 180_000);

  it('build-scenario implements the plan into a valid bundle', async () => {
    const ref = await e.start({ implementationIterations: 1 });
    const planKey = `runs/${ref.runId}/plans/test.md`;
    await e.s.store.put(
      planKey,
      '# Order tracker\n\nplan-marker: v1\n\n1. Store the data in postgres.\n',
      { contentType: 'text/markdown' },
    );
    const t = new InngestTestEngine({ function: e.fns.get('build-scenario')! });
    const { result, error, ctx } = await t.execute({
      events: [
        {
          name: BUILD_REQUESTED,
          data: {
            runId: ref.runId,
            scenarioId: ref.scenarioId,
            campaignId: ref.campaignId,
            planKey,
          },
        },
      ],
    });
    expect(error).toBeUndefined();
    expect(result).toEqual({
      bundleKey: `runs/${ref.runId}/bundles/implementing-01.tar.gz`,
      artifactId: expect.any(String),
      valid: true,
      iterations: 1,
    });
    expect(stepIds(ctx, 'run')).toEqual(['load', 'implement-1:spend', 'implement-1']);
    const service = JSON.parse(
      (
        await readBundleFile(
          e.s.store,
          (result as { bundleKey: string }).bundleKey,
          '.vrooli/service.json',
        )
      ).toString(),
    );
    expect(service.service.name).toBe(ref.slug);
  }, 180_000);

  it('a usage limit sleeps until the reset (step.sleepUntil) and runs the session again', async () => {
    limitPlans = true;
    const ref = await e.start({ planningIterations: 1 });
    const t = new InngestTestEngine({
      function: e.fns.get('plan-scenario')!,
      // The Inngest server would wake the run when the sleep ends; the harness resolves it at once.
      steps: [{ id: 'plan-1:sleep', handler: () => null }],
    });
    const { result, error, ctx } = await t.execute({
      events: [
        {
          name: PLAN_REQUESTED,
          data: { runId: ref.runId, scenarioId: ref.scenarioId, campaignId: ref.campaignId },
        },
      ],
    });
    expect(error).toBeUndefined();
    expect(result).toMatchObject({ chosenIteration: 1, versions: 1 });
    expect(stepIds(ctx, 'sleepUntil')).toEqual(['plan-1:sleep']);
    const until = (ctx.step.sleepUntil as unknown as StepMock).mock.calls[0]![1] as string;
    expect(Date.parse(until)).toBeGreaterThan(Date.now() - 60_000);
    expect(stepIds(ctx, 'run')).toEqual([
      'load',
      'plan-1:spend',
      'plan-1',
      'plan-1:sleep-mark',
      'plan-1:wake',
      'plan-1~1:spend',
      'plan-1~1',
      'score-1:spend',
      'score-1',
      'choose-plan',
    ]);
    expect(
      (await listInteractions(e.s.db.sql, ref.runId)).map((i) => [i.stepKey, i.outcome]),
    ).toEqual([
      ['plan-1', 'usage_limit'],
      ['plan-1~1', 'success'],
      ['score-1', 'success'],
    ]);
  }, 240_000);
});
