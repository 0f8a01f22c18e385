import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { hashPassword } from '../../core/auth/password.ts';
import { createCampaign } from '../../db/campaigns.ts';
import { createUser } from '../../db/users.ts';
import type { TestDb } from '../support/db.ts';
import { startEdgeOnDb, type EdgeOnDb, type EdgeWorker } from './support.ts';

/**
 * Accounts at the edge (AUTH_MODE=accounts under miniflare): a user made on the Node side signs
 * in at the edge (scrypt in the Workers runtime), uses the session cookie, signs out, and the
 * cookie is refused; failed sign-ins are throttled through Postgres as on the Node server.
 */
const PASSWORD = 'correct horse battery';
let on: EdgeOnDb;
let db: TestDb;
let edge: EdgeWorker;

beforeAll(async () => {
  on = await startEdgeOnDb(inject('redisUrl'), { AUTH_MODE: 'accounts' });
  ({ db, edge } = on);
  const passwordHash = await hashPassword(PASSWORD);
  await createUser(db.sql, { name: 'ada', passwordHash, isAdmin: true }, 'test');
  await createUser(db.sql, { name: 'bea', passwordHash, isAdmin: false }, 'test');
  await createCampaign(db.sql, { name: 'At the edge' }, 'test');
}, 120_000);

afterAll(async () => {
  await on?.close();
});

const signIn = (name: string, password: string) =>
  fetch(`${edge.url}/api/auth/signin`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, password }),
  });

describe('accounts at the edge', () => {
  it('signs in with a password, uses the session, signs out, and the cookie is refused', async () => {
    const res = await signIn('ada', PASSWORD);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ name: 'ada', isAdmin: true });
    const setCookie = res.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/HttpOnly/i);
    const cookie = setCookie.split(';')[0]!;
    const list = await fetch(`${edge.url}/api/campaigns`, { headers: { cookie } });
    expect(list.status).toBe(200);
    const items = ((await list.json()) as { items: { name: string }[] }).items;
    expect(items.map((c) => c.name)).toContain('At the edge');
    const out = await fetch(`${edge.url}/api/auth/signout`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json' },
    });
    expect(out.status).toBe(204);
    const after = await fetch(`${edge.url}/api/campaigns`, { headers: { cookie } });
    expect(after.status).toBe(401);
    expect(after.headers.get('content-type')).toContain('application/problem+json');
  });

  it('refuses a wrong password, then throttles the name (counted in Postgres)', async () => {
    for (let i = 0; i < 10; i++) expect((await signIn('bea', 'wrong password!')).status).toBe(401);
    const limited = await signIn('bea', PASSWORD);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    const [row] = await db.sql<{ n: number }[]>`
      SELECT count(*)::int AS n FROM signin_failures WHERE key = 'name:bea'`;
    expect(row!.n).toBe(10);
  });
});
