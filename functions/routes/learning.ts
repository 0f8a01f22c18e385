import { Hono } from 'hono';
import {
  AnalyticsOverview,
  OverviewQuery,
  Prediction,
  PredictionRequest,
  ProblemList,
  ProblemsQuery,
} from '../contract/learning.ts';
import type { AppDeps, AppEnv } from '../deps.ts';
import { readJson, readQuery } from '../input.ts';
import type { Forecaster } from '../learning/forecaster.ts';
import { createOverviewCache } from '../learning/overview-cache.ts';
import { recurringProblems } from '../learning/problems.ts';
import { route } from '../openapi/route-spec.ts';
import { reply } from '../reply.ts';

/**
 * GET /api/analytics/overview: the analytics page (one campaign or all, the last `days` days).
 * GET /api/analytics/problems: recurring problems (error signatures as tracked issues).
 * POST /api/predictions: the success forecast for a draft request.
 */
export const learningApi = [
  route(
    'get',
    '/api/analytics/overview',
    'Success, first pass, timings, cost, sessions, calibration',
    {
      query: OverviewQuery,
      responses: { 200: AnalyticsOverview },
    },
  ),
  route('get', '/api/analytics/problems', 'Recurring problems with status, rate and trend', {
    query: ProblemsQuery,
    responses: { 200: ProblemList },
  }),
  route('post', '/api/predictions', 'Forecast the success of a draft request', {
    body: PredictionRequest,
    responses: { 200: Prediction },
  }),
];

export function learningRoutes(deps: Pick<AppDeps, 'sql'>, forecaster: Forecaster): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const overviews = createOverviewCache({ sql: deps.sql, forecaster });
  app.get('/analytics/overview', async (c) => {
    const q = readQuery(c, OverviewQuery);
    return reply(
      c,
      AnalyticsOverview,
      await overviews.get({ campaignId: q.campaign, days: q.days ?? 90 }),
    );
  });
  app.get('/analytics/problems', async (c) => {
    const q = readQuery(c, ProblemsQuery);
    return reply(
      c,
      ProblemList,
      await recurringProblems(deps.sql, { campaignId: q.campaign, limit: q.limit ?? 100 }),
    );
  });
  app.post('/predictions', async (c) => {
    const body = await readJson(c, PredictionRequest);
    return reply(c, Prediction, await forecaster.predict(body));
  });
  return app;
}
