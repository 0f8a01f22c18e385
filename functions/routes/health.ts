import { Hono } from 'hono';
import { serverDefaults } from '../../db/settings.ts';
import type { ServerDefaults } from '../../core/server-defaults.ts';
import { Health, Meta, Ready } from '../contract/meta.ts';
import type { AppDeps, AppEnv } from '../deps.ts';
import type { HostPorts } from '../host.ts';
import { route } from '../openapi/route-spec.ts';
import { reply } from '../reply.ts';

const READY_TIMEOUT_MS = 3000;

/** What each route takes and answers (GET /api/openapi.json). */
export const healthApi = [
  route('get', '/api/health', 'Liveness', { responses: { 200: Health } }),
  route('get', '/api/ready', 'Readiness: database reachable, migrations current', {
    responses: { 200: Ready, 503: Ready },
  }),
  route('get', '/api/meta', 'Version, demo model, engine and stores', {
    responses: { 200: Meta },
  }),
];

/** /api/health (liveness), /api/ready (database reachable, migrations current), /api/meta. */
export function healthRoutes(
  deps: Pick<AppDeps, 'sql' | 'store' | 'bus' | 'config' | 'meta'>,
  pendingMigrations: HostPorts['pendingMigrations'],
): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/health', (c) => reply(c, Health, { status: 'ok' }));
  app.get('/ready', async (c) => {
    const checks: Ready['checks'] = {};
    try {
      // A database that accepts connections but never answers must not hang a supervisor's probe.
      let timer: NodeJS.Timeout | undefined;
      const pending = await Promise.race([
        pendingMigrations(deps.sql),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error('no answer within 3 s')), READY_TIMEOUT_MS);
        }),
      ]).finally(() => clearTimeout(timer));
      checks.database = { ok: true };
      checks.migrations = pending.length
        ? { ok: false, detail: `pending: ${pending.join(', ')}` }
        : { ok: true };
    } catch (e) {
      checks.database = { ok: false, detail: (e as Error).message };
      checks.migrations = { ok: false, detail: 'database unreachable' };
    }
    checks.store = { ok: true, detail: deps.store.kind };
    checks.bus = { ok: true, detail: deps.bus.kind };
    const ready = Object.values(checks).every((x) => x.ok);
    return reply(c, Ready, { ready, checks }, ready ? 200 : 503);
  });
  app.get('/meta', async (c) =>
    reply(c, Meta, {
      ...deps.meta,
      authRequired: Boolean(deps.config.ACCESS_TOKEN),
      // The settings page may have changed it since start.
      defaultProfile:
        (await serverDefaults(deps.sql).catch(() => ({}) as ServerDefaults)).profile ??
        deps.config.DEFAULT_PROFILE,
      store: deps.store.kind,
      bus: deps.bus.kind,
    }),
  );
  return app;
}
