import { formatPlanHistory } from '../../prompts/format.ts';
import {
  planJsonSchema,
  PlanAnswer,
  scoreJsonSchema,
  ScoreAnswer,
  scoreTotal,
} from '../../prompts/schemas.ts';
import { formatGuide, lessons, RESOURCES } from '../stage-kit/guides.ts';
import {
  choosePlanVersion,
  listPlanVersions,
  savePlanVersion,
  scorePlanVersion,
} from '../../db/plans.ts';
import { PLAN_REQUESTED, RunRef } from '../events.ts';
import { agentStep, judge, tracked } from '../stage-kit/agent-step.ts';
import { loadRunContext, percent, type RunContext } from '../stage-kit/context.ts';
import type { PipelineDeps } from '../stage-kit/deps.ts';
import { enter } from '../stage-kit/phase.ts';
import { structuredSession } from '../stage-kit/structured.ts';
import type { FunctionSpec } from '../spec.ts';

/**
 * plan-scenario: an initial plan, then N−1 refinements; every version is scored with the rubric
 * and stored (object store + plan_versions). Each refinement sees every earlier version's plan,
 * score and critique. The best-scoring version is carried forward (ties: the earlier one).
 */
export interface PlanResult {
  chosenIteration: number;
  planKey: string;
  score: number;
  versions: number;
}

export const planKeyOf = (runId: string, iteration: number) =>
  `runs/${runId}/plans/v${String(iteration).padStart(2, '0')}.md`;

function renderPlan(p: {
  title: string;
  summary: string;
  resources: string[];
  plan: string;
}): string {
  return `# ${p.title}\n\n${p.summary}\n\nResources: ${p.resources.join(', ') || '(none)'}\n\n${p.plan}\n`;
}

async function history(deps: PipelineDeps, ctx: RunContext): Promise<string> {
  const versions = await listPlanVersions(deps.sql, ctx.runId);
  const inputs = await Promise.all(
    versions.map(async (v) => {
      const plan = (await deps.store.get(v.objectKey)).toString('utf8');
      const r = v.rubric as Partial<
        Record<'completeness' | 'feasibility' | 'clarity' | 'risk', number>
      >;
      return {
        iteration: v.iteration,
        title: /^# (.*)$/m.exec(plan)?.[1] ?? `version ${v.iteration}`,
        plan,
        ...(v.score !== null
          ? {
              score: {
                total: v.score,
                completeness: r.completeness ?? 0,
                feasibility: r.feasibility ?? 0,
                clarity: r.clarity ?? 0,
                risk: r.risk ?? 0,
              },
            }
          : {}),
        critique: v.critique,
      };
    }),
  );
  return formatPlanHistory(inputs);
}

export function createPlanScenario(deps: PipelineDeps): FunctionSpec<RunRef, PlanResult> {
  return {
    id: 'plan-scenario',
    name: 'Plan a scenario',
    trigger: { event: PLAN_REQUESTED },
    schema: RunRef,
    retries: 2,
    // Caps agent sessions per stage (under Inngest, concurrency counts executing steps).
    concurrency: [{ limit: deps.config.RUN_CONCURRENCY }],
    cancelOn: [{ event: 'scenario/run.cancel', matchField: 'runId' }],
    async handler({ event, step, signal }) {
      const ctx = await step.run('load', () => loadRunContext(deps.sql, event.data.runId));
      const total = ctx.budget.planningIterations;
      const backoff = ctx.budget.usageLimitBackoffMs ?? deps.config.USAGE_LIMIT_BACKOFF;
      for (let i = 1; i <= total; i++) {
        const meta = { phase: 'planning', iteration: i };
        await agentStep(
          step,
          deps,
          ctx,
          `plan-${i}`,
          { ...meta, name: i === 1 ? 'initial plan' : `refinement ${i - 1}` },
          async (stepKey) => {
            await enter(deps, ctx, 'planning', i);
            const common = {
              request: ctx.request,
              resources: RESOURCES,
              formatGuide: formatGuide(ctx.profile),
              lessons: await lessons(deps.sql),
            };
            const prompt =
              i === 1
                ? {
                    template: 'initial-plan' as const,
                    vars: {
                      ...common,
                      title: ctx.title,
                      complexity: ctx.complexity,
                      category: ctx.category,
                    },
                  }
                : {
                    template: 'refine-plan' as const,
                    vars: { ...common, history: await history(deps, ctx), iteration: String(i) },
                  };
            const { outcome, answer } = await structuredSession(
              deps,
              {
                ctx,
                phase: 'planning',
                iteration: i,
                stepKey,
                signal,
                ...prompt,
                // A change is planned against the deployed files.
                ...(ctx.budget.change ? { restoreBundleKey: ctx.budget.change.baseBundleKey } : {}),
              },
              planJsonSchema,
              PlanAnswer,
            );
            const r = judge(outcome, () => answer!, backoff);
            if (r.kind !== 'ok') return r;
            const key = planKeyOf(ctx.runId, i);
            await deps.store.put(key, renderPlan(r.value), {
              contentType: 'text/markdown; charset=utf-8',
            });
            await savePlanVersion(deps.sql, {
              runId: ctx.runId,
              scenarioId: ctx.scenarioId,
              iteration: i,
              objectKey: key,
            });
            await deps.reporter.report({
              scenarioId: ctx.scenarioId,
              runId: ctx.runId,
              kind: 'progress',
              phase: 'planning',
              iteration: i,
              message: `plan version ${i} written`,
              live: { progress: percent('planning', i - 0.5, total), iteration: i },
            });
            return { kind: 'ok' as const, value: null };
          },
        );
        await agentStep(
          step,
          deps,
          ctx,
          `score-${i}`,
          { ...meta, name: `score version ${i}` },
          async (stepKey) => {
            const plan = (await deps.store.get(planKeyOf(ctx.runId, i))).toString('utf8');
            const { outcome, answer } = await structuredSession(
              deps,
              {
                ctx,
                phase: 'planning',
                iteration: i,
                stepKey,
                signal,
                template: 'score-plan',
                vars: { request: ctx.request, plan, resources: RESOURCES },
              },
              scoreJsonSchema,
              ScoreAnswer,
            );
            const r = judge(outcome, () => answer!, backoff);
            if (r.kind !== 'ok') return r;
            const total100 = scoreTotal(r.value);
            const { critique, ...rubric } = r.value;
            await scorePlanVersion(deps.sql, ctx.runId, i, total100, rubric, critique);
            await deps.reporter.report({
              scenarioId: ctx.scenarioId,
              runId: ctx.runId,
              kind: 'progress',
              phase: 'planning',
              iteration: i,
              message: `plan version ${i} scored ${total100}/100`,
              live: { progress: percent('planning', i, total) },
            });
            return { kind: 'ok' as const, value: null };
          },
        );
      }
      return tracked(
        step,
        deps,
        ctx,
        'choose-plan',
        { phase: 'planning', name: 'choose the best plan' },
        async () => {
          const versions = await listPlanVersions(deps.sql, ctx.runId);
          const best = versions.reduce((a, b) => ((b.score ?? -1) > (a.score ?? -1) ? b : a));
          await choosePlanVersion(deps.sql, ctx.runId, best.iteration);
          await deps.reporter.report({
            scenarioId: ctx.scenarioId,
            runId: ctx.runId,
            kind: 'log',
            phase: 'planning',
            message: `chose plan version ${best.iteration} (score ${best.score}/100 of ${versions.map((v) => v.score).join(', ')})`,
          });
          return {
            chosenIteration: best.iteration,
            planKey: best.objectKey,
            score: best.score ?? 0,
            versions: versions.length,
          };
        },
      );
    },
  };
}
