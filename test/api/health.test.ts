import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.ts';

describe('health, readiness and access control', () => {
  let open: TestApp;
  let locked: TestApp;
  const token = 'a-very-secret-token-1234';
  beforeAll(async () => {
    open = await createTestApp();
    locked = await createTestApp({ HOST: '0.0.0.0', ACCESS_TOKEN: token });
  });
  afterAll(async () => {
    await open.close();
    await locked.close();
  });

  it('reports liveness and readiness', async () => {
    expect((await open.call('GET', '/api/health')).json).toEqual({ status: 'ok' });
    const ready = await open.call('GET', '/api/ready');
    expect(ready.status).toBe(200);
    expect(ready.json.checks.migrations.ok).toBe(true);
  });

  it('is not ready when a migration is pending', async () => {
    await open.db.sql`DELETE FROM schema_migrations WHERE version = 1`;
    const ready = await open.call('GET', '/api/ready');
    expect(ready.status).toBe(503);
    expect(ready.json.checks.migrations.detail).toMatch(/001_init/);
  });

  it('requires the access token on every API call but health when one is configured', async () => {
    expect((await locked.call('GET', '/api/health')).status).toBe(200);
    const denied = await locked.call('GET', '/api/campaigns');
    expect(denied.status).toBe(401);
    expect(denied.type).toContain('application/problem+json');
    expect(
      (
        await locked.call('GET', '/api/campaigns', undefined, {
          authorization: 'Bearer wrong-token-wrong-token',
        })
      ).status,
    ).toBe(401);
    expect(
      (await locked.call('GET', '/api/campaigns', undefined, { authorization: `Bearer ${token}` }))
        .status,
    ).toBe(200);
    // A token in the query string is accepted only where EventSource needs it.
    expect((await locked.call('GET', `/api/campaigns?access_token=${token}`)).status).toBe(401);
    expect((await locked.call('GET', `/api/analytics?access_token=${token}`)).status).toBe(401);
    expect((await locked.call('POST', '/api/campaigns', { name: 'x' })).status).toBe(401);
  });
});

describe('loopback-only without a token', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('refuses other host names and cross-site origins (DNS rebinding, forms from other sites)', async () => {
    expect(
      (await t.call('GET', '/api/campaigns', undefined, { host: 'evil.example:3000' })).status,
    ).toBe(403);
    const cross = await t.call(
      'POST',
      '/api/campaigns',
      { name: 'x' },
      { origin: 'http://evil.example' },
    );
    expect(cross.status).toBe(403);
    expect(cross.type).toContain('application/problem+json');
    expect(
      (
        await t.call('GET', '/api/campaigns', undefined, {
          host: 'localhost:3000',
          origin: 'http://localhost:5173',
        })
      ).status,
    ).toBe(200);
    expect((await t.call('GET', '/api/campaigns', undefined, { host: '[::1]:3000' })).status).toBe(
      200,
    );
  });
});
