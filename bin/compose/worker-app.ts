import { Hono } from 'hono';
import { AppError } from '../../core/errors.ts';
import type { AppDeps, AppEnv } from '../../functions/deps.ts';
import { problemResponse, toProblem } from '../../functions/problem.ts';
import { nodeHost } from '../../functions/node-host.ts';
import { healthRoutes } from '../../functions/routes/health.ts';

/**
 * What a worker process (ROLE=worker) serves: liveness and readiness for its supervisor, and
 * nothing else — the API, SSE and the dashboard are the api processes' job.
 */
export function createWorkerApp(
  deps: Pick<AppDeps, 'sql' | 'store' | 'bus' | 'config' | 'meta'>,
): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.onError((err, c) => problemResponse(c, toProblem(err)));
  app.route('/api', healthRoutes(deps, nodeHost.pendingMigrations));
  app.notFound((c) =>
    problemResponse(
      c,
      toProblem(
        new AppError(
          'not_found',
          'This is a worker (ROLE=worker): it serves /api/health and /api/ready only.',
        ),
      ),
    ),
  );
  return app;
}
