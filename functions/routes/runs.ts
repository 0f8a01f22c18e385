import { Readable } from 'node:stream';
import { Hono } from 'hono';
import { AppError, InvalidInputError, NotFoundError } from '../../core/errors.ts';
import { getArtifact, listArtifacts } from '../../db/artifacts.ts';
import { listInteractions } from '../../db/interactions.ts';
import { listLogs } from '../../db/logs.ts';
import { listPlanVersions } from '../../db/plans.ts';
import { getRun, listRuns } from '../../db/runs.ts';
import { getScenario } from '../../db/scenarios.ts';
import { listSteps } from '../../db/run-steps.ts';
import { iterationsUsed } from '../../db/run-facts.ts';
import { listValidations } from '../../db/validations.ts';
import { toLiveEvent } from '../../db/progress.ts';
import { restoreFrom, resumablePhases } from '../../inngest/stage-kit/restore.ts';
import { queryInt } from '../contract/common.ts';
import { LogList, ScenarioLogsQuery } from '../contract/events.ts';
import {
  ArtifactList,
  InteractionList,
  PlanList,
  PlanText,
  RetryInput,
  RollbackInput,
  Run,
  RunDetail,
  RunList,
  RunListQuery,
  ValidationList,
  type Finding,
} from '../contract/runs.ts';
import type { AppDeps, AppEnv } from '../deps.ts';
import type { HostPorts } from '../host.ts';
import { parseInput, readId, readJson, readQuery } from '../input.ts';
import { route } from '../openapi/route-spec.ts';
import { reply } from '../reply.ts';
import { transcriptPrunedAt } from '../../db/retention.ts';

/**
 * Runs and what they produced: the timeline, plan versions, bundles and their files, validation
 * results, agent interactions, the log, the deployed archive; and the run actions (cancel,
 * retry from a phase).
 */
const iteration = queryInt(1, 100);

/** What each route takes and answers (GET /api/openapi.json). */
export const runApi = [
  route('get', '/api/runs', 'Recent runs', { query: RunListQuery, responses: { 200: RunList } }),
  route('get', '/api/runs/:id', 'A run with its timeline', { responses: { 200: RunDetail } }),
  route('post', '/api/runs/:id/cancel', 'Cancel a run', { responses: { 200: Run } }),
  route('post', '/api/runs/:id/retry', 'Start a new run from a phase', {
    body: RetryInput,
    responses: { 202: Run },
  }),
  route('get', '/api/runs/:id/plans', 'Plan versions', { responses: { 200: PlanList } }),
  route('get', '/api/runs/:id/plans/:iteration', 'The text of a plan version', {
    params: { iteration },
    responses: { 200: PlanText },
  }),
  route('get', '/api/runs/:id/artifacts', 'Bundles and archives', {
    responses: { 200: ArtifactList },
  }),
  route('get', '/api/runs/:id/validations', 'Validation attempts', {
    responses: { 200: ValidationList },
  }),
  route('get', '/api/runs/:id/interactions', 'Agent sessions', {
    responses: { 200: InteractionList },
  }),
  route(
    'get',
    '/api/runs/:id/interactions/:sessionId/transcript',
    "An agent session's transcript",
    {
      responses: {
        200: { media: 'application/x-ndjson', description: 'One JSON line per stream line' },
      },
    },
  ),
  route('get', '/api/artifacts/:id/files/*', 'One file of a bundle, as text', {
    responses: { 200: { media: 'text/plain', description: 'The file' } },
  }),
  route('post', '/api/scenarios/:id/rollback', 'Redeploy an earlier bundle', {
    body: RollbackInput,
    responses: { 202: Run },
  }),
  route('get', '/api/scenarios/:id/runs', 'The runs of a scenario', {
    responses: { 200: RunList },
  }),
  route('get', '/api/scenarios/:id/logs', 'The log of a scenario, after a sequence number', {
    query: ScenarioLogsQuery,
    responses: { 200: LogList },
  }),
  route('get', '/api/scenarios/:id/archive', 'The deployed archive', {
    responses: { 200: { media: 'application/gzip', description: 'scenario.tar.gz' } },
  }),
];

export function runRoutes(
  deps: Pick<AppDeps, 'sql' | 'store' | 'pipeline'>,
  readBundleFile: HostPorts['readBundleFile'],
): Hono<AppEnv> {
  const { sql, store, pipeline } = deps;
  const app = new Hono<AppEnv>();

  app.get('/runs', async (c) => {
    const q = readQuery(c, RunListQuery);
    return reply(c, RunList, {
      items: await listRuns(sql, {
        limit: q.limit ?? 20,
        ...(q.status ? { statuses: q.status } : {}),
      }),
    });
  });
  app.get('/runs/:id', async (c) => {
    const id = readId(c);
    const run = await getRun(sql, id);
    return reply(c, RunDetail, {
      ...run,
      steps: await listSteps(sql, id),
      resumableFrom: resumablePhases(await restoreFrom(sql, id)),
      used: await iterationsUsed(sql, id),
    });
  });
  app.post('/runs/:id/cancel', async (c) =>
    reply(c, Run, await pipeline.cancelRun(readId(c), c.get('actor'))),
  );
  app.post('/runs/:id/retry', async (c) => {
    const id = readId(c);
    const body = await readJson(c, RetryInput);
    await getRun(sql, id);
    return reply(c, Run, await pipeline.retry(id, body.fromPhase, c.get('actor')), 202);
  });
  app.get('/runs/:id/plans', async (c) =>
    reply(c, PlanList, { items: await listPlanVersions(sql, readId(c)) }),
  );
  app.get('/runs/:id/plans/:iteration', async (c) => {
    const id = readId(c);
    const n = parseInput(iteration, c.req.param('iteration'), 'params.iteration');
    const plan = (await listPlanVersions(sql, id)).find((p) => p.iteration === n);
    if (!plan) throw new NotFoundError('Plan version', `${id}/${n}`);
    return reply(c, PlanText, {
      iteration: n,
      score: plan.score,
      text: (await store.get(plan.objectKey)).toString('utf8'),
    });
  });
  app.get('/runs/:id/artifacts', async (c) =>
    reply(c, ArtifactList, { items: await listArtifacts(sql, { runId: readId(c) }) }),
  );
  app.get('/runs/:id/validations', async (c) => {
    const rows = await listValidations(sql, readId(c));
    // Findings are stored as the validator wrote them (runner/validate/types.ts).
    const items = rows.map((r) => ({ ...r, findings: r.findings as Finding[] }));
    return reply(c, ValidationList, { items });
  });
  app.get('/runs/:id/interactions', async (c) =>
    reply(c, InteractionList, { items: await listInteractions(sql, readId(c)) }),
  );

  // Streamed from the store as stored: a transcript may run to many megabytes.
  app.get('/runs/:id/interactions/:sessionId/transcript', async (c) => {
    const sessionId = readId(c, 'sessionId');
    const found = (await listInteractions(sql, readId(c))).find((i) => i.sessionId === sessionId);
    if (!found?.transcriptKey) throw new NotFoundError('Transcript of agent session', sessionId);
    const pruned = await transcriptPrunedAt(sql, sessionId);
    if (pruned)
      throw new AppError(
        'not_found',
        `The transcript of agent session ${sessionId} was deleted by retention housekeeping (TRANSCRIPT_RETENTION_DAYS) on ${pruned.toISOString()}.`,
        { details: { what: 'transcript', id: sessionId, prunedAt: pruned.toISOString() } },
      );
    const body = await store.stream(found.transcriptKey);
    return c.body(Readable.toWeb(body) as ReadableStream, 200, {
      'content-type': 'application/x-ndjson; charset=utf-8',
      'x-content-type-options': 'nosniff',
    });
  });
  app.get('/artifacts/:id/files/*', async (c) => {
    const artifact = await getArtifact(sql, readId(c));
    let file: string;
    try {
      file = decodeURIComponent(c.req.path.replace(/^.*?\/files\//, ''));
    } catch {
      throw new InvalidInputError([
        { field: 'params.path', message: 'must be a correctly percent-encoded path' },
      ]);
    }
    if (!artifact.manifest.some((m) => m.path === file)) throw new NotFoundError('File', file);
    const body = await readBundleFile(store, artifact.objectKey, file);
    return c.body(new Uint8Array(body), 200, {
      'content-type': 'text/plain; charset=utf-8',
      'x-content-type-options': 'nosniff',
    });
  });

  app.post('/scenarios/:id/rollback', async (c) => {
    const id = readId(c);
    const body = await readJson(c, RollbackInput);
    await getScenario(sql, id);
    return reply(c, Run, await pipeline.rollback(id, body.artifactId, c.get('actor')), 202);
  });
  app.get('/scenarios/:id/runs', async (c) => {
    const id = readId(c);
    await getScenario(sql, id);
    return reply(c, RunList, { items: await listRuns(sql, { scenarioId: id, limit: 100 }) });
  });
  app.get('/scenarios/:id/logs', async (c) => {
    const id = readId(c);
    const q = readQuery(c, ScenarioLogsQuery);
    await getScenario(sql, id);
    return reply(c, LogList, {
      items: (await listLogs(sql, id, { afterSeq: q.after ?? 0, limit: q.limit ?? 1000 })).map(
        toLiveEvent,
      ),
    });
  });
  app.get('/scenarios/:id/archive', async (c) => {
    const id = readId(c);
    const s = await getScenario(sql, id);
    // The archive of the latest run that deployed (a failed or cancelled deploy may have left one).
    const succeeded = new Set(
      (await listRuns(sql, { scenarioId: id, statuses: ['succeeded'], limit: 1 })).map((r) => r.id),
    );
    const archive = (await listArtifacts(sql, { scenarioId: id, kind: 'archive' }))
      .filter((a) => succeeded.has(a.runId))
      .at(-1);
    if (!archive) throw new NotFoundError('Deployed archive of scenario', id);
    const body = await store.stream(archive.objectKey);
    return c.body(Readable.toWeb(body) as ReadableStream, 200, {
      'content-type': 'application/gzip',
      'content-disposition': `attachment; filename="${s.slug}.tar.gz"`,
    });
  });
  return app;
}
