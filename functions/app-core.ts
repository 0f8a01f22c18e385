import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { AppError } from '../core/errors.ts';
import { createLinkSigner } from '../core/auth/signed-link.ts';
import { authenticate } from './access/authenticate.ts';
import { auditFailures } from './access/audit-failures.ts';
import { authorize } from './access/authorize.ts';
import { requestContext } from './access/context.ts';
import { requireJson } from './json-only.ts';
import type { AppDeps, AppEnv } from './deps.ts';
import type { HostPorts } from './host.ts';
import { problemResponse, toProblem } from './problem.ts';
import { auditRoutes } from './routes/audit.ts';
import { authRoutes } from './routes/auth.ts';
import { campaignRoutes } from './routes/campaigns.ts';
import { downloadRoutes } from './routes/downloads.ts';
import { userRoutes } from './routes/users.ts';
import { eventRoutes } from './routes/events.ts';
import { healthRoutes } from './routes/health.ts';
import { metricsRoutes } from './routes/metrics.ts';
import { notificationRoutes } from './routes/notifications.ts';
import { openApiRoutes } from './routes/openapi.ts';
import { hookRoutes } from './routes/hooks.ts';
import { runRoutes } from './routes/runs.ts';
import { settingsRoutes } from './routes/settings.ts';
import { learningRoutes } from './routes/learning.ts';
import { benchmarkRoutes } from './routes/benchmarks.ts';
import { promptRoutes } from './routes/prompts.ts';
import { createForecaster } from './learning/forecaster.ts';
import { scenarioRoutes } from './routes/scenarios.ts';
import { INNGEST_PATH, mountInngest } from '../inngest/engine/inngest/mount.ts';
import { inngestGuard } from './inngest-guard.ts';

/**
 * The HTTP app: the JSON API under /api and the SPA everywhere else. Built from its
 * dependencies and its host's ports (functions/host.ts); it opens nothing itself, so tests build
 * it around their own database, and the edge entry builds the same app without Node modules.
 */
export function createAppOn(deps: AppDeps, host: HostPorts): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.onError((err, c) => {
    const problem = toProblem(err);
    if (problem.status >= 500) {
      const detail = err instanceof Error ? (err.stack ?? err.message) : String(err);
      if (deps.log) deps.log.error(`${c.req.method} ${c.req.path}: ${detail}`);
      else console.error(`[error] ${c.req.method} ${c.req.path}:`, err);
    }
    return problemResponse(c, problem);
  });

  // Every request gets an id and is audited with its client address.
  app.use('*', requestContext());

  // Inngest calls carry no token and large step payloads: no token, no body limit, but the
  // host and origin rules, JSON, signatures when a key is set, and no stacks (inngest-guard.ts).
  if (deps.inngest) {
    app.use(INNGEST_PATH, inngestGuard(deps.config));
    mountInngest(app, deps.inngest);
  }

  const sizeLimit = bodyLimit({
    maxSize: deps.config.MAX_BODY_BYTES,
    onError: () => {
      throw new AppError(
        'payload_too_large',
        `The body is larger than ${deps.config.MAX_BODY_BYTES} bytes.`,
      );
    },
  });

  // Webhooks carry their own credential (an HMAC signature), so they sit before the token check.
  const hooks = new Hono<AppEnv>();
  hooks.use('*', async (c, next) => {
    c.set('actor', 'webhook');
    await next();
  });
  hooks.use('*', auditFailures(deps.sql, { refusals: true }));
  hooks.use('*', sizeLimit);
  hooks.route('/', hookRoutes(deps));
  app.route('/api/hooks', hooks);

  const api = new Hono<AppEnv>();
  // Who is asking (401 without credentials in accounts mode), then — once the body is bounded —
  // whether they may (functions/access/policies.ts).
  const links = createLinkSigner();
  api.use('*', auditFailures(deps.sql));
  api.use('*', authenticate({ config: deps.config, sql: deps.sql, links }));
  api.use('*', requireJson);
  api.use('*', sizeLimit);
  api.use('*', authorize(deps.sql));
  api.route('/auth', authRoutes(deps));
  api.route('/', userRoutes(deps));
  api.route('/', auditRoutes(deps));
  api.route('/', downloadRoutes(deps, links));
  api.route('/', healthRoutes(deps, host.pendingMigrations));
  api.route('/', openApiRoutes(deps));
  api.route('/', eventRoutes(deps));
  api.route('/', runRoutes(deps, host.readBundleFile));
  api.route('/', settingsRoutes(deps));
  const forecaster =
    deps.forecaster ??
    createForecaster({ sql: deps.sql, defaultProfile: deps.config.DEFAULT_PROFILE });
  api.route('/', learningRoutes(deps, forecaster));
  api.route('/', promptRoutes(deps));
  api.route('/', benchmarkRoutes(deps));
  api.route('/campaigns/:id/notifications', notificationRoutes(deps, host.attemptDelivery));
  api.route('/campaigns', campaignRoutes(deps));
  api.route('/scenarios', scenarioRoutes(deps));
  api.all('*', (c) => {
    throw new AppError('not_found', `No API route ${c.req.method} ${c.req.path}.`);
  });
  app.route('/api', api);

  // Prometheus scrapes outside /api, with the same credentials and a policy of its own.
  const metrics = new Hono<AppEnv>();
  metrics.use('*', auditFailures(deps.sql));
  metrics.use('*', authenticate({ config: deps.config, sql: deps.sql, links }));
  metrics.use('*', authorize(deps.sql));
  metrics.route('/', metricsRoutes(deps, host.createMetrics));
  app.route('/metrics', metrics);

  if (deps.siteDir && host.mountSite) host.mountSite(app, deps.siteDir);
  app.notFound((c) =>
    problemResponse(c, toProblem(new AppError('not_found', `Nothing at ${c.req.path}.`))),
  );
  return app;
}
