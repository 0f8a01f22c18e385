import { Hono } from 'hono';
import { AppError } from '../../core/errors.ts';
import { Ready } from '../../functions/contract/meta.ts';
import type { AppDeps, AppEnv } from '../../functions/deps.ts';
import { problemResponse, toProblem } from '../../functions/problem.ts';
import { nodeHost } from '../../functions/node-host.ts';
import { reply } from '../../functions/reply.ts';
import { healthRoutes } from '../../functions/routes/health.ts';

/** A worker's outbound connection to the Inngest server (INNGEST_CONNECT), when it has one. */
export interface ConnectionStatus {
  status(): { connected: boolean; detail: string };
}

/**
 * What a worker process (ROLE=worker) serves: liveness and readiness for its supervisor, and
 * nothing else — the API, SSE and the dashboard are the api processes' job. A worker that
 * connects outbound is ready only while connected: until then it receives no steps.
 */
export function createWorkerApp(
  deps: Pick<AppDeps, 'sql' | 'store' | 'bus' | 'config' | 'meta'> & {
    connection?: ConnectionStatus;
  },
): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.onError((err, c) => problemResponse(c, toProblem(err)));
  const health = healthRoutes(deps, nodeHost.pendingMigrations);
  const connection = deps.connection;
  if (connection)
    app.get('/api/ready', async (c) => {
      const base = (await (await health.request('/ready')).json()) as Ready;
      const s = connection.status();
      const ready = base.ready && s.connected;
      const checks = { ...base.checks, inngest: { ok: s.connected, detail: s.detail } };
      return reply(c, Ready, { ready, checks }, ready ? 200 : 503);
    });
  app.route('/api', health);
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
