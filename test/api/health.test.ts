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
    expect((await locked.call('GET', `/api/campaigns?access_token=${token}`)).status).toBe(200);
    expect((await locked.call('POST', '/api/campaigns', { name: 'x' })).status).toBe(401);
  });
});
