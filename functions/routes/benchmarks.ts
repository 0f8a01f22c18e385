import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { createCampaign } from '../../db/campaigns.ts';
import type { Sql } from '../../db/client.ts';
import {
  benchmarkReport,
  createBenchmark,
  finishBenchmark,
  getBenchmark,
  listBenchmarks,
  type Benchmark,
} from '../../db/benchmarks.ts';
import { createScenario } from '../../db/scenarios.ts';
import { findPromptVersion } from '../../db/prompt-versions.ts';
import { BenchmarkList, BenchmarkRequest, BenchmarkView } from '../contract/prompts.ts';
import type { AppDeps, AppEnv } from '../deps.ts';
import { readId, readJson } from '../input.ts';
import { route } from '../openapi/route-spec.ts';
import { reply } from '../reply.ts';

/**
 * Benchmark runs: POST /api/benchmarks runs a fixed set of requests through the real pipeline in
 * a campaign of their own (optionally pinned to one prompt version); GET answers the report,
 * computed until every run has finished and stored from then on.
 */
export const benchmarkApi = [
  route('get', '/api/benchmarks', 'Benchmark runs, newest first', {
    responses: { 200: BenchmarkList },
  }),
  route('post', '/api/benchmarks', 'Run a set of requests as a benchmark', {
    body: BenchmarkRequest,
    responses: { 201: BenchmarkView },
  }),
  route('get', '/api/benchmarks/:id', 'A benchmark run with its report', {
    responses: { 200: BenchmarkView },
  }),
];

/** The benchmark with its report, stored once every run has finished. */
async function withReport(sql: Sql, b: Benchmark) {
  if (b.report && b.finishedAt) return { ...b, report: b.report };
  const report = await benchmarkReport(sql, b.campaignId);
  if (report.runs >= b.requests && report.finished >= report.runs) {
    await finishBenchmark(sql, b.id, report);
    return { ...(await getBenchmark(sql, b.id)), report };
  }
  return { ...b, report };
}

export function benchmarkRoutes(deps: Pick<AppDeps, 'sql' | 'pipeline' | 'meta'>): Hono<AppEnv> {
  const { sql } = deps;
  const app = new Hono<AppEnv>();
  app.get('/benchmarks', async (c) => {
    const list = await listBenchmarks(sql);
    return reply(c, BenchmarkList, {
      items: await Promise.all(list.map((b) => withReport(sql, b))),
    });
  });
  app.post('/benchmarks', async (c) => {
    const body = await readJson(c, BenchmarkRequest);
    const actor = c.get('actor');
    const pinned = body.promptVersion
      ? await findPromptVersion(sql, body.promptVersion)
      : undefined;
    const label = body.label?.trim() || `Benchmark ${new Date().toISOString().slice(0, 16)}`;
    const campaign = await createCampaign(
      sql,
      {
        // Live campaign names are unique, and two benchmarks may share a label (or a minute).
        name: `${label.slice(0, 180)} · ${randomUUID().slice(0, 8)}`,
        description: 'A benchmark run: a fixed set of requests.',
        icon: 'folder',
      },
      actor,
    );
    const id = await createBenchmark(
      sql,
      {
        label,
        campaignId: campaign.id,
        promptTemplate: pinned?.template ?? null,
        promptVersion: pinned?.version ?? null,
        requests: body.requests.length,
        demoModel: deps.meta.demoModel,
      },
      actor,
    );
    for (const r of body.requests) {
      const s = await createScenario(sql, { campaignId: campaign.id, ...r }, actor);
      await deps.pipeline.generate(s.id, actor, { trigger: 'benchmark' });
    }
    return reply(c, BenchmarkView, await withReport(sql, await getBenchmark(sql, id)), 201);
  });
  app.get('/benchmarks/:id', async (c) =>
    reply(c, BenchmarkView, await withReport(sql, await getBenchmark(sql, readId(c)))),
  );
  return app;
}
