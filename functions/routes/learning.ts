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
import { createAnswerCache } from '../learning/answer-cache.ts';
import { analyticsOverview } from '../learning/overview.ts';
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
  type Scope = { campaignId?: string | undefined; days: number; limit: number };
  const scoped = (q: Scope) => `${q.campaignId ?? '*'}:${q.days}:${q.limit}`;
  const overviews = createAnswerCache({
    key: scoped,
    compute: (q: Scope) => analyticsOverview(deps.sql, forecaster, q),
    forecaster,
  });
  const problems = createAnswerCache({
    key: scoped,
    compute: (q: Scope) => recurringProblems(deps.sql, q),
    forecaster,
  });
  app.get('/analytics/overview', async (c) => {
    const q = readQuery(c, OverviewQuery);
    return reply(
      c,
      AnalyticsOverview,
      await overviews.get({ campaignId: q.campaign, days: q.days ?? 90, limit: 0 }),
    );
  });
  app.get('/analytics/problems', async (c) => {
    const q = readQuery(c, ProblemsQuery);
    return reply(
      c,
      ProblemList,
      await problems.get({ campaignId: q.campaign, days: 0, limit: q.limit ?? 100 }),
    );
  });
  app.post('/predictions', async (c) => {
    const body = await readJson(c, PredictionRequest);
    return reply(c, Prediction, await forecaster.predict(body));
  });
  return app;
}
