import { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../deps.ts';
import type { HostPorts } from '../host.ts';
import type { MetricsRegistry } from '../metrics/registry.ts';
import { route } from '../openapi/route-spec.ts';

/** What the route answers (GET /api/openapi.json). */
export const metricsApi = [
  route('get', '/metrics', 'Prometheus metrics: runs, phases, sessions, tokens, cost, queue', {
    responses: {
      200: { media: 'text/plain', description: 'Prometheus text exposition format 0.0.4' },
    },
  }),
];

/**
 * GET /metrics in the Prometheus text format, mounted at /metrics behind the API's own
 * authentication and policy (functions/access/policies.ts). The registry is made on the first
 * scrape, so apps that are never scraped start no process collectors.
 */
export function metricsRoutes(
  deps: Pick<AppDeps, 'sql'>,
  createMetricsRegistry: HostPorts['createMetrics'],
): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  let registry: MetricsRegistry | undefined;
  app.get('/', async (c) => {
    registry ??= createMetricsRegistry(deps.sql);
    const body = await registry.render();
    return c.body(body, 200, { 'content-type': registry.contentType });
  });
  return app;
}
