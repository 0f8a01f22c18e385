import { Hono } from 'hono';
import { AppError, isAppError } from '../../core/errors.ts';
import type { Sql } from '../../db/client.ts';
import { getExperiment, pinExperiment } from '../../db/prompt-experiments.ts';
import {
  decideSuggestion,
  getSuggestion,
  listSuggestions,
  type PromptSuggestion,
} from '../../db/prompt-suggestions.ts';
import { getPromptVersion } from '../../db/prompt-versions.ts';
import {
  ExperimentView,
  PinRequest,
  PromptsOverview,
  StopRequest,
  SuggestionList,
  SuggestionRequest,
  SuggestionView,
} from '../contract/prompts.ts';
import type { AppDeps, AppEnv } from '../deps.ts';
import { readId, readJson } from '../input.ts';
import {
  approveSuggestion,
  experimentView,
  promptsOverview,
  stopAndPromote,
} from '../learning/prompts.ts';
import { route } from '../openapi/route-spec.ts';
import { reply } from '../reply.ts';

/**
 * Prompt templates as versioned data: history and experiments (GET /api/prompts), suggestions a
 * plan-only agent session proposes for a recurring problem and an administrator approves or
 * rejects, and experiments pinned, stopped or promoted from the dashboard.
 */
export const promptApi = [
  route('get', '/api/prompts', 'Template versions, incumbents and experiments', {
    responses: { 200: PromptsOverview },
  }),
  route('get', '/api/prompts/suggestions', 'Suggested prompt changes, newest first', {
    responses: { 200: SuggestionList },
  }),
  route('post', '/api/prompts/suggestions', 'Ask an agent to suggest a change for a problem', {
    body: SuggestionRequest,
    responses: { 202: SuggestionView },
  }),
  route('get', '/api/prompts/suggestions/:id', 'A suggested change', {
    responses: { 200: SuggestionView },
  }),
  route(
    'post',
    '/api/prompts/suggestions/:id/approve',
    'Approve: a new version, as an experiment arm',
    {
      responses: { 200: SuggestionView },
    },
  ),
  route('post', '/api/prompts/suggestions/:id/reject', 'Reject a suggested change', {
    responses: { 200: SuggestionView },
  }),
  route('post', '/api/prompts/experiments/:id/pin', 'Pin new runs to one version (null: draw)', {
    body: PinRequest,
    responses: { 200: ExperimentView },
  }),
  route('post', '/api/prompts/experiments/:id/stop', 'Stop an experiment, promoting a version', {
    body: StopRequest,
    responses: { 200: ExperimentView },
  }),
];

async function view(sql: Sql, s: PromptSuggestion) {
  const base = await getPromptVersion(sql, s.template, s.baseVersion).catch((e: unknown) => {
    if (isAppError(e, 'not_found')) return undefined;
    throw e;
  });
  return { ...s, baseBody: base?.body ?? null };
}

export function promptRoutes(deps: Pick<AppDeps, 'sql' | 'suggest'>): Hono<AppEnv> {
  const { sql } = deps;
  const app = new Hono<AppEnv>();
  app.get('/prompts', async (c) => reply(c, PromptsOverview, await promptsOverview(sql)));
  app.get('/prompts/suggestions', async (c) => {
    const list = await listSuggestions(sql);
    return reply(c, SuggestionList, { items: await Promise.all(list.map((s) => view(sql, s))) });
  });
  app.post('/prompts/suggestions', async (c) => {
    const body = await readJson(c, SuggestionRequest);
    if (!deps.suggest)
      throw new AppError('service_unavailable', 'This server runs no agent to suggest changes.');
    const suggestion = await deps.suggest(body.fingerprint, c.get('actor'));
    return reply(c, SuggestionView, await view(sql, suggestion), 202);
  });
  app.get('/prompts/suggestions/:id', async (c) =>
    reply(c, SuggestionView, await view(sql, await getSuggestion(sql, readId(c)))),
  );
  app.post('/prompts/suggestions/:id/approve', async (c) => {
    const { suggestion } = await approveSuggestion(sql, readId(c), c.get('actor'));
    return reply(c, SuggestionView, await view(sql, suggestion));
  });
  app.post('/prompts/suggestions/:id/reject', async (c) => {
    const id = readId(c);
    await decideSuggestion(sql, id, { status: 'rejected' }, c.get('actor'));
    return reply(c, SuggestionView, await view(sql, await getSuggestion(sql, id)));
  });
  app.post('/prompts/experiments/:id/pin', async (c) => {
    const id = readId(c);
    const body = await readJson(c, PinRequest);
    await pinExperiment(sql, id, body.version, c.get('actor'));
    return reply(c, ExperimentView, await experimentView(sql, await getExperiment(sql, id)));
  });
  app.post('/prompts/experiments/:id/stop', async (c) => {
    const body = await readJson(c, StopRequest);
    const e = await stopAndPromote(sql, readId(c), body.promote ?? null, c.get('actor'));
    return reply(c, ExperimentView, await experimentView(sql, e));
  });
  return app;
}
