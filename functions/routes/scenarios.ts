import { Hono } from 'hono';
import { titleFromRequest } from '../../core/domain.ts';
import { InvalidInputError } from '../../core/errors.ts';
import { isProfileId, listProfileInfo } from '../../runner/validate/catalogue.ts';
import {
  createScenario,
  deleteScenario,
  getScenario,
  listScenarios,
  updateScenario,
} from '../../db/scenarios.ts';
import { serverDefaults } from '../../db/settings.ts';
import { ChangeInput, Run } from '../contract/runs.ts';
import {
  BatchInput,
  BatchResult,
  GenerateInput,
  Scenario,
  ScenarioCreate,
  ScenarioListQuery,
  ScenarioPage,
  ScenarioPatch,
} from '../contract/scenarios.ts';
import type { AppDeps, AppEnv } from '../deps.ts';
import { readId, readJson, readQuery } from '../input.ts';
import { route } from '../openapi/route-spec.ts';
import { reply } from '../reply.ts';
import { runBatch } from './batch.ts';

/** What each route takes and answers (GET /api/openapi.json). */
export const scenarioApi = [
  route('get', '/api/scenarios', 'Scenarios: filter, search, sort and page', {
    query: ScenarioListQuery,
    responses: { 200: ScenarioPage },
  }),
  route('post', '/api/scenarios', 'Create a scenario (a draft)', {
    body: ScenarioCreate,
    responses: { 201: Scenario },
  }),
  route('post', '/api/scenarios/batch', 'Apply one action to many scenarios, each on its own', {
    body: BatchInput,
    responses: { 200: BatchResult },
  }),
  route('get', '/api/scenarios/:id', 'A scenario', { responses: { 200: Scenario } }),
  route('patch', '/api/scenarios/:id', 'Change a scenario (not while it runs)', {
    body: ScenarioPatch,
    responses: { 200: Scenario },
  }),
  route('delete', '/api/scenarios/:id', 'Delete a scenario (not while it runs)', {
    responses: { 204: null },
  }),
  route('post', '/api/scenarios/:id/generate', 'Start a run', {
    body: GenerateInput,
    responses: { 202: Run },
  }),
  route('post', '/api/scenarios/:id/change', 'Change the deployed scenario (a new version)', {
    body: ChangeInput,
    responses: { 202: Run },
  }),
];

/** A target format must name a known profile. */
function checkProfile(targetFormat: string | undefined): void {
  if (targetFormat !== undefined && !isProfileId(targetFormat)) {
    throw new InvalidInputError([
      {
        field: 'body.targetFormat',
        message: `must be one of ${listProfileInfo()
          .map((p) => p.id)
          .join(', ')}`,
      },
    ]);
  }
}

/** /api/scenarios: list (filter, sort, page), create, read, update, delete, batch, generate. */
export function scenarioRoutes(deps: Pick<AppDeps, 'sql' | 'pipeline' | 'config'>): Hono<AppEnv> {
  const { sql, pipeline } = deps;
  const app = new Hono<AppEnv>();
  app.get('/', async (c) => {
    const q = readQuery(c, ScenarioListQuery);
    const limit = q.limit ?? 50;
    const offset = q.offset ?? 0;
    const page = await listScenarios(sql, {
      campaignId: q.campaign,
      statuses: q.status,
      archived: q.archived ?? false,
      q: q.q,
      sort: q.sort,
      limit,
      offset,
    });
    return reply(c, ScenarioPage, { ...page, limit, offset });
  });
  app.post('/', async (c) => {
    const body = await readJson(c, ScenarioCreate);
    checkProfile(body.targetFormat);
    const input = {
      ...body,
      title: body.title ?? titleFromRequest(body.request),
      targetFormat:
        body.targetFormat ?? (await serverDefaults(sql)).profile ?? deps.config.DEFAULT_PROFILE,
    };
    return reply(c, Scenario, await createScenario(sql, input, c.get('actor')), 201);
  });
  app.post('/batch', async (c) => reply(c, BatchResult, await runBatch(deps, c, c.get('actor'))));
  app.get('/:id', async (c) => reply(c, Scenario, await getScenario(sql, readId(c))));
  app.patch('/:id', async (c) => {
    const id = readId(c);
    const body = await readJson(c, ScenarioPatch);
    checkProfile(body.targetFormat);
    return reply(c, Scenario, await updateScenario(sql, id, body, c.get('actor')));
  });
  app.delete('/:id', async (c) => {
    await deleteScenario(sql, readId(c), c.get('actor'));
    return c.body(null, 204);
  });
  app.post('/:id/generate', async (c) => {
    const id = readId(c);
    // An empty body is allowed: the trigger is then plain `api`.
    const body = (await c.req.text()).trim() ? await readJson(c, GenerateInput) : {};
    await getScenario(sql, id);
    const trigger = body.via ?? 'api';
    return reply(c, Run, await pipeline.generate(id, c.get('actor'), { trigger }), 202);
  });
  app.post('/:id/change', async (c) => {
    const id = readId(c);
    const body = await readJson(c, ChangeInput);
    await getScenario(sql, id);
    return reply(c, Run, await pipeline.change(id, body.request, c.get('actor')), 202);
  });
  return app;
}
