import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digestToken, newSecretToken } from '../../core/auth/secret-token.ts';
import { createApiToken, revokeApiToken } from '../../db/api-tokens.ts';
import { queryAudit } from '../../db/audit.ts';
import { createCampaign } from '../../db/campaigns.ts';
import { createScenario } from '../../db/scenarios.ts';
import { createAccountsApp, PASSWORD, type AccountsApp } from './accounts-support.ts';

/**
 * AUTH_MODE=accounts through the HTTP app: the first-run page, sign-in and sign-out with a
 * hardened cookie, rate-limited failures, campaign roles (viewer, operator, admin), API tokens,
 * signed download links, and an audit row for each decision.
 */
let a: AccountsApp;
let campaign: string;
let other: string;
let scenario: string;
beforeAll(async () => {
  a = await createAccountsApp();
  campaign = (await createCampaign(a.t.db.sql, { name: 'Shared' }, 'test')).id;
  other = (await createCampaign(a.t.db.sql, { name: 'Private' }, 'test')).id;
  scenario = (
    await createScenario(
      a.t.db.sql,
      { campaignId: campaign, title: 'Todo app', request: 'A todo list' },
      'test',
    )
  ).id;
});
afterAll(() => a.t.close());

const json = async (res: Response) => (await res.json()) as Record<string, unknown>;

describe('first run', () => {
  it('offers setup only on loopback and only while no user exists', async () => {
    const remote = await a.fetch('GET', '/api/auth/status', { address: '10.0.0.9' });
    expect(await json(remote)).toEqual({ mode: 'accounts', setupNeeded: false });
    expect(await json(await a.fetch('GET', '/api/auth/status'))).toEqual({
      mode: 'accounts',
      setupNeeded: true,
    });
    const body = { name: 'root', password: 'first admin password' };
    expect((await a.fetch('POST', '/api/auth/setup', { body, address: '10.0.0.9' })).status).toBe(
      403,
    );
    const short = await a.fetch('POST', '/api/auth/setup', {
      body: { name: 'root', password: 'x' },
    });
    expect(short.status).toBe(400);
    const ok = await a.fetch('POST', '/api/auth/setup', { body });
    expect(ok.status).toBe(201);
    expect(ok.headers.get('set-cookie')).toMatch(/sg_session=sgs_/);
    expect((await a.fetch('POST', '/api/auth/setup', { body })).status).toBe(403);
    expect((await json(await a.fetch('GET', '/api/auth/status'))).setupNeeded).toBe(false);
  });
});

describe('sign-in', () => {
  it('sets an HttpOnly, SameSite=Lax session cookie; sign-out revokes the session', async () => {
    const cookie = await a.user('sam');
    const res = await a.signIn('sam');
    const header = res.headers.get('set-cookie') ?? '';
    expect(header).toMatch(/HttpOnly/);
    expect(header).toMatch(/SameSite=Lax/);
    expect(header).toMatch(/Expires=/);
    expect(header).not.toMatch(/Secure/);
    const me = await a.fetch('GET', '/api/auth/session', { headers: { cookie } });
    expect(await json(me)).toMatchObject({ kind: 'user', name: 'sam', globalAdmin: false });
    expect((await a.fetch('POST', '/api/auth/signout', { headers: { cookie } })).status).toBe(204);
    expect((await a.fetch('GET', '/api/auth/session', { headers: { cookie } })).status).toBe(401);
  });

  it('marks the cookie Secure behind https', async () => {
    const res = await a.fetch('POST', '/api/auth/signin', {
      body: { name: 'sam', password: PASSWORD },
      headers: { 'x-forwarded-proto': 'https' },
    });
    expect(res.headers.get('set-cookie')).toMatch(/Secure/);
  });

  it('refuses a wrong password, audits it, and rate-limits repeated failures', async () => {
    const address = '10.9.9.9';
    const wrong = { name: 'sam', password: 'wrong password!' };
    const first = await a.fetch('POST', '/api/auth/signin', { body: wrong, address });
    expect(first.status).toBe(401);
    for (let i = 0; i < 9; i++) await a.fetch('POST', '/api/auth/signin', { body: wrong, address });
    const limited = await a.fetch('POST', '/api/auth/signin', {
      body: { name: 'sam', password: PASSWORD },
      address,
    });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    const rows = await queryAudit(a.t.db.sql, { action: 'auth.signin', limit: 50 });
    const failed = rows.filter((r) => r.outcome === 'failed');
    expect(failed.length).toBe(10);
    expect(failed[0]).toMatchObject({ clientAddress: address, targetId: 'sam' });
    expect(JSON.stringify(rows)).not.toContain('wrong password!');
    expect(JSON.stringify(rows)).not.toContain(PASSWORD);
  });
});

describe('campaign roles', () => {
  it('lets a viewer read but not start a run; the denial is audited', async () => {
    const cookie = await a.user('vic', { campaign, role: 'viewer' });
    const headers = { cookie };
    expect((await a.fetch('GET', `/api/scenarios/${scenario}`, { headers })).status).toBe(200);
    const list = (await json(await a.fetch('GET', '/api/campaigns', { headers }))) as {
      items: { id: string }[];
    };
    expect(list.items.map((c) => c.id)).toEqual([campaign]);
    expect((await a.fetch('GET', `/api/campaigns/${other}`, { headers })).status).toBe(403);
    const denied = await a.fetch('POST', `/api/scenarios/${scenario}/generate`, { headers });
    expect(denied.status).toBe(403);
    const [row] = await queryAudit(a.t.db.sql, {
      actor: 'user:vic',
      action: 'authz.denied',
      limit: 1,
    });
    expect(row).toMatchObject({
      outcome: 'denied',
      campaignId: campaign,
      targetId: 'POST /api/scenarios/:id/generate',
    });
    expect(row!.requestId).toBe(denied.headers.get('x-request-id'));
    expect((await a.fetch('GET', '/api/scenarios', { headers })).status).toBe(403);
    expect((await a.fetch('GET', `/api/scenarios?campaign=${campaign}`, { headers })).status).toBe(
      200,
    );
  });

  it('lets an operator start a run but not delete; an admin manages members', async () => {
    const op = await a.user('olga', { campaign, role: 'operator' });
    // No pipeline in this app: a 409 means authorisation let the call through.
    expect(
      (await a.fetch('POST', `/api/scenarios/${scenario}/generate`, { headers: { cookie: op } }))
        .status,
    ).toBe(409);
    expect(
      (await a.fetch('DELETE', `/api/scenarios/${scenario}`, { headers: { cookie: op } })).status,
    ).toBe(403);
    expect(
      (
        await a.fetch('POST', '/api/scenarios/batch', {
          headers: { cookie: op },
          body: { ids: [scenario], action: 'delete' },
        })
      ).status,
    ).toBe(403);
    const admin = await a.user('ada', { campaign, role: 'admin' });
    const put = await a.fetch('PUT', `/api/campaigns/${campaign}/members`, {
      headers: { cookie: admin },
      body: { name: 'sam', role: 'viewer' },
    });
    expect(put.status).toBe(200);
    expect(
      (
        await a.fetch('PUT', `/api/campaigns/${campaign}/members`, {
          headers: { cookie: op },
          body: { name: 'sam', role: 'admin' },
        })
      ).status,
    ).toBe(403);
    expect(
      (await a.fetch('POST', '/api/campaigns', { headers: { cookie: admin }, body: { name: 'X' } }))
        .status,
    ).toBe(403);
  });

  it('audits a change that failed (here: no pipeline to start the run)', async () => {
    const [row] = await queryAudit(a.t.db.sql, {
      actor: 'user:olga',
      action: 'request.failed',
      limit: 1,
    });
    expect(row).toMatchObject({
      outcome: 'failed',
      targetType: 'scenario',
      targetId: scenario,
      campaignId: campaign,
      details: { status: 409, route: 'POST /api/scenarios/:id/generate' },
    });
  });

  it('refuses a cookie-authenticated change from another site', async () => {
    const cookie = await a.user('cora', { campaign, role: 'admin' });
    const res = await a.fetch('PATCH', `/api/campaigns/${campaign}`, {
      headers: { cookie, origin: 'https://evil.example', host: '127.0.0.1' },
      body: { description: 'x' },
    });
    expect(res.status).toBe(403);
  });
});

describe('API tokens', () => {
  it('act with their role on their campaign, and stop working when revoked', async () => {
    const token = newSecretToken('api');
    const row = await createApiToken(
      a.t.db.sql,
      { name: 'ci', tokenHash: digestToken(token), role: 'viewer', campaignId: campaign },
      'test',
    );
    const headers = { authorization: `Bearer ${token}` };
    expect((await a.fetch('GET', `/api/scenarios?campaign=${campaign}`, { headers })).status).toBe(
      200,
    );
    expect((await a.fetch('GET', `/api/scenarios?campaign=${other}`, { headers })).status).toBe(
      403,
    );
    expect(
      (await a.fetch('GET', `/api/scenarios?campaign=${campaign}&access_token=${token}`)).status,
    ).toBe(401);
    expect(
      (await a.fetch('GET', `/api/events?campaign=${campaign}&access_token=${token}`)).status,
    ).toBe(200);
    await revokeApiToken(a.t.db.sql, row.id, 'test');
    expect((await a.fetch('GET', `/api/scenarios?campaign=${campaign}`, { headers })).status).toBe(
      401,
    );
    const [rejected] = await queryAudit(a.t.db.sql, { action: 'auth.rejected', limit: 1 });
    expect(JSON.stringify(rejected)).not.toContain(token);
  });
});

describe('signed download links', () => {
  it('open only their own path, only until they expire', async () => {
    const cookie = await a.user('dora', { campaign, role: 'viewer' });
    const res = await a.fetch('POST', `/api/scenarios/${scenario}/archive/link`, {
      headers: { cookie },
    });
    const { url } = (await json(res)) as { url: string };
    expect(url).toMatch(new RegExp(`^/api/scenarios/${scenario}/archive\\?exp=\\d+&sig=`));
    // Not deployed yet: 404 — past authentication, without credentials.
    expect((await a.fetch('GET', url)).status).toBe(404);
    expect((await a.fetch('GET', url.replace(/sig=./, 'sig=A'))).status).toBe(401);
    expect((await a.fetch('GET', url.replace(/exp=\d+/, 'exp=1'))).status).toBe(401);
    const elsewhere = url.replace(scenario, '00000000-0000-4000-8000-000000000009');
    expect((await a.fetch('GET', elsewhere)).status).toBe(401);
  });
});

describe('GET /api/audit', () => {
  it('filters, pages, exports CSV, and is for administrators', async () => {
    const admin = await a.user('ava', { admin: true });
    const headers = { cookie: admin };
    const page = (await json(
      await a.fetch('GET', '/api/audit?action=auth.&limit=3', { headers }),
    )) as { items: { id: number; action: string }[]; nextBefore: number };
    expect(page.items).toHaveLength(3);
    expect(page.items.every((r) => r.action.startsWith('auth.'))).toBe(true);
    const next = (await json(
      await a.fetch('GET', `/api/audit?action=auth.&limit=3&before=${page.nextBefore}`, {
        headers,
      }),
    )) as { items: { id: number }[] };
    expect(next.items[0]!.id).toBeLessThan(page.nextBefore);
    const byCampaign = (await json(
      await a.fetch('GET', `/api/audit?campaign=${campaign}&actor=user:vic`, { headers }),
    )) as { items: { action: string }[] };
    expect(byCampaign.items.map((r) => r.action)).toContain('authz.denied');
    const future = (await json(
      await a.fetch('GET', '/api/audit?from=2999-01-01', { headers }),
    )) as { items: unknown[] };
    expect(future.items).toEqual([]);
    const csv = await a.fetch('GET', '/api/audit?format=csv&action=authz.denied', { headers });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const text = await csv.text();
    expect(text.split('\r\n')[0]).toBe(
      'id,at,actor,action,outcome,targetType,targetId,campaignId,clientAddress,requestId,details',
    );
    expect(text).toContain('"user:vic","authz.denied","denied"');
    const viewer = await a.user('vera', { campaign, role: 'viewer' });
    expect((await a.fetch('GET', '/api/audit', { headers: { cookie: viewer } })).status).toBe(403);
    const campaignAdmin = await a.user('cam', { campaign, role: 'admin' });
    expect(
      (await a.fetch('GET', '/api/audit', { headers: { cookie: campaignAdmin } })).status,
    ).toBe(403);
    expect(
      (
        await a.fetch('GET', `/api/audit?campaign=${campaign}`, {
          headers: { cookie: campaignAdmin },
        })
      ).status,
    ).toBe(200);
  });
});
