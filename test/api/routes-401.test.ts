import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryAudit } from '../../db/audit.ts';
import { createApp } from '../../functions/app.ts';
import { POLICIES } from '../../functions/access/policies.ts';
import { createAccountsApp, type AccountsApp } from './accounts-support.ts';

/**
 * In accounts mode every API route answers 401 without credentials. The test walks Hono's own
 * route table, so a route added later is covered without anyone listing it; and every route must
 * have an access policy (functions/access/policies.ts), and every policy a route.
 */
let a: AccountsApp;
beforeAll(async () => {
  a = await createAccountsApp({ WEBHOOK_SECRET: 'hook-secret-0123456789' });
});
afterAll(() => a.t.close());

const ID = '00000000-0000-4000-8000-000000000001';

function apiRoutes(): { method: string; path: string }[] {
  const app = createApp({ ...a.t.deps, inngest: undefined });
  const seen = new Set<string>();
  return app.routes
    .filter((r) => r.method !== 'ALL' && (r.path.startsWith('/api/') || r.path === '/metrics'))
    .filter((r) => !seen.has(`${r.method} ${r.path}`) && seen.add(`${r.method} ${r.path}`));
}

describe('every route in accounts mode', () => {
  it('has an access policy, and every policy names a real route', () => {
    const routes = apiRoutes().map((r) => `${r.method} ${r.path}`);
    expect(routes.length).toBeGreaterThan(40);
    expect(routes.filter((k) => !POLICIES[k])).toEqual([]);
    expect(Object.keys(POLICIES).filter((k) => !routes.includes(k))).toEqual([]);
  });

  it('answers 401 without credentials, except the public few', async () => {
    const answers: string[] = [];
    for (const r of apiRoutes()) {
      const key = `${r.method} ${r.path}`;
      if (POLICIES[key]?.kind === 'public') continue;
      const url = r.path
        .replace(/:[a-zA-Z]+/g, (m) => (m === ':iteration' ? '1' : ID))
        .replace('*', 'x.txt');
      const res = await a.fetch(r.method, url, r.method === 'GET' ? {} : { body: {} });
      if (res.status !== 401) answers.push(`${key} → ${res.status}`);
    }
    expect(answers).toEqual([]);
    // The webhook's own refusal (no signature) is audited too.
    const [hook] = await queryAudit(a.t.db.sql, { actor: 'webhook', limit: 1 });
    expect(hook).toMatchObject({ outcome: 'denied', details: { status: 401 } });
  });

  it('keeps the public routes to liveness, mode and signing in', () => {
    const open = Object.entries(POLICIES)
      .filter(([, p]) => p.kind === 'public')
      .map(([k]) => k);
    expect(open.sort()).toEqual([
      'GET /api/auth/status',
      'GET /api/health',
      'POST /api/auth/setup',
      'POST /api/auth/signin',
      'POST /api/auth/signout',
    ]);
  });
});
