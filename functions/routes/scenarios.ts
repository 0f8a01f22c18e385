import { Hono } from 'hono';
import { AppError, InvalidInputError } from '../../core/errors.ts';
import { listProfiles } from '../../runner/validate/index.ts';
import {
  createScenario,
  deleteScenario,
  getScenario,
  listScenarios,
  updateScenario,
} from '../../db/scenarios.ts';
import type { AppDeps, AppEnv } from '../deps.ts';
import { readId, readJson, readQuery } from '../input.ts';
import { ScenarioCreate, ScenarioListQuery, ScenarioPatch } from '../schemas/scenario.ts';
import { runBatch } from './batch.ts';

/** A target format must name a known profile. */
function checkProfile(targetFormat: string | undefined): void {
  if (targetFormat !== undefined && !listProfiles().some((p) => p.id === targetFormat)) {
    throw new InvalidInputError([
      {
        field: 'body.targetFormat',
        message: `must be one of ${listProfiles()
          .map((p) => p.id)
          .join(', ')}`,
      },
    ]);
  }
}

/** /api/scenarios: list (filter, sort, page), create, read, update, delete, batch, generate. */
export function scenarioRoutes(deps: AppDeps): Hono<AppEnv> {
  const { sql } = deps;
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
    return c.json({ ...page, limit, offset });
  });
  app.post('/', async (c) => {
    const body = await readJson(c, ScenarioCreate);
    checkProfile(body.targetFormat);
    return c.json(await createScenario(sql, body, c.get('actor')), 201);
  });
  app.post('/batch', async (c) => c.json(await runBatch(deps, c, c.get('actor'))));
  app.get('/:id', async (c) => c.json(await getScenario(sql, readId(c))));
  app.patch('/:id', async (c) => {
    const id = readId(c);
    const body = await readJson(c, ScenarioPatch);
    checkProfile(body.targetFormat);
    return c.json(await updateScenario(sql, id, body, c.get('actor')));
  });
  app.delete('/:id', async (c) => {
    await deleteScenario(sql, readId(c), c.get('actor'));
    return c.body(null, 204);
  });
  app.post('/:id/generate', async (c) => {
    const id = readId(c);
    if (!deps.pipeline)
      throw new AppError('conflict', 'The pipeline is not running in this process.');
    await getScenario(sql, id);
    return c.json(await deps.pipeline.generate(id, c.get('actor'), { trigger: 'api' }), 202);
  });
  return app;
}
