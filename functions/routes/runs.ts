import { Readable } from 'node:stream';
import { Hono } from 'hono';
import * as v from 'valibot';
import { AppError, InvalidInputError, NotFoundError } from '../../core/errors.ts';
import { RUN_STATUSES } from '../../core/domain.ts';
import { getArtifact, listArtifacts } from '../../db/artifacts.ts';
import { listInteractions } from '../../db/interactions.ts';
import { listLogs } from '../../db/logs.ts';
import { listPlanVersions } from '../../db/plans.ts';
import { getRun, listRuns } from '../../db/runs.ts';
import { getScenario } from '../../db/scenarios.ts';
import { listSteps } from '../../db/run-steps.ts';
import { listValidations } from '../../db/validations.ts';
import { toLiveEvent } from '../../db/progress.ts';
import { readBundleFile } from '../../runner/bundle.ts';
import type { AppDeps, AppEnv } from '../deps.ts';
import { parseInput, readId, readJson, readQuery } from '../input.ts';
import { queryInt } from '../schemas/common.ts';

/**
 * Runs and what they produced: the timeline, plan versions, bundles and their files, validation
 * results, agent interactions, the log, the deployed archive; and the run actions (cancel,
 * retry from a phase).
 */
const RetryBody = v.strictObject({
  fromPhase: v.picklist(
    ['planning', 'implementing', 'validating', 'deploying'],
    'must be planning, implementing, validating or deploying',
  ),
});
const RunListQuery = v.strictObject({
  limit: v.optional(queryInt(1, 200)),
  status: v.optional(
    v.pipe(
      v.string(),
      v.transform((s) => s.split(',').filter(Boolean)),
      v.array(v.picklist(RUN_STATUSES, `must be statuses from ${RUN_STATUSES.join(', ')}`)),
    ),
  ),
});

function pipelineOf(deps: AppDeps) {
  if (!deps.pipeline)
    throw new AppError('conflict', 'The pipeline is not running in this process.');
  return deps.pipeline;
}

export function runRoutes(deps: AppDeps): Hono<AppEnv> {
  const { sql, store } = deps;
  const app = new Hono<AppEnv>();

  app.get('/runs', async (c) => {
    const q = readQuery(c, RunListQuery);
    return c.json({
      items: await listRuns(sql, {
        limit: q.limit ?? 20,
        ...(q.status ? { statuses: q.status } : {}),
      }),
    });
  });
  app.get('/runs/:id', async (c) => {
    const id = readId(c);
    const run = await getRun(sql, id);
    return c.json({ ...run, steps: await listSteps(sql, id) });
  });
  app.post('/runs/:id/cancel', async (c) =>
    c.json(await pipelineOf(deps).cancelRun(readId(c), c.get('actor'))),
  );
  app.post('/runs/:id/retry', async (c) => {
    const id = readId(c);
    const body = await readJson(c, RetryBody);
    await getRun(sql, id);
    return c.json(await pipelineOf(deps).retry(id, body.fromPhase, c.get('actor')), 202);
  });
  app.get('/runs/:id/plans', async (c) =>
    c.json({ items: await listPlanVersions(sql, readId(c)) }),
  );
  app.get('/runs/:id/plans/:iteration', async (c) => {
    const id = readId(c);
    const iteration = parseInput(queryInt(1, 100), c.req.param('iteration'), 'params.iteration');
    const plan = (await listPlanVersions(sql, id)).find((p) => p.iteration === iteration);
    if (!plan) throw new NotFoundError('Plan version', `${id}/${iteration}`);
    return c.json({
      iteration,
      score: plan.score,
      text: (await store.get(plan.objectKey)).toString('utf8'),
    });
  });
  app.get('/runs/:id/artifacts', async (c) =>
    c.json({ items: await listArtifacts(sql, { runId: readId(c) }) }),
  );
  app.get('/runs/:id/validations', async (c) =>
    c.json({ items: await listValidations(sql, readId(c)) }),
  );
  app.get('/runs/:id/interactions', async (c) =>
    c.json({ items: await listInteractions(sql, readId(c)) }),
  );

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
    const body = await readJson(
      c,
      v.strictObject({
        artifactId: v.pipe(v.string('must be a string'), v.uuid('must be a UUID')),
      }),
    );
    await getScenario(sql, id);
    return c.json(await pipelineOf(deps).rollback(id, body.artifactId, c.get('actor')), 202);
  });
  app.get('/scenarios/:id/runs', async (c) => {
    const id = readId(c);
    await getScenario(sql, id);
    return c.json({ items: await listRuns(sql, { scenarioId: id, limit: 100 }) });
  });
  app.get('/scenarios/:id/logs', async (c) => {
    const id = readId(c);
    const q = readQuery(
      c,
      v.strictObject({
        after: v.optional(queryInt(0, Number.MAX_SAFE_INTEGER)),
        limit: v.optional(queryInt(1, 5000)),
      }),
    );
    await getScenario(sql, id);
    return c.json({
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
