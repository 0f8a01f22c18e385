import { Hono } from 'hono';
import { pendingMigrations } from '../../db/migrate.ts';
import type { AppDeps, AppEnv } from '../deps.ts';

/** /api/health (liveness), /api/ready (database reachable, migrations current), /api/meta. */
export function healthRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/health', (c) => c.json({ status: 'ok' }));
  app.get('/ready', async (c) => {
    const checks: Record<string, { ok: boolean; detail?: string }> = {};
    try {
      const pending = await pendingMigrations(deps.sql);
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
    return c.json({ ready, checks }, ready ? 200 : 503);
  });
  app.get('/meta', (c) =>
    c.json({
      ...deps.meta,
      authRequired: Boolean(deps.config.ACCESS_TOKEN),
      defaultProfile: deps.config.DEFAULT_PROFILE,
      store: deps.store.kind,
      bus: deps.bus.kind,
    }),
  );
  return app;
}
