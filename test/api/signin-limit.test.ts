import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../functions/app.ts';
import { createAccountsApp, PASSWORD, type AccountsApp } from './accounts-support.ts';

/**
 * Sign-in throttling is shared through Postgres: failures counted by one server count on
 * another on the same database (several api processes, edge instances) and on a server started
 * after them; failures older than the 15-minute window do not count.
 */
let a: AccountsApp;
beforeAll(async () => {
  a = await createAccountsApp();
  await a.user('sam');
  await a.user('kim');
});
afterAll(() => a.t.close());

/** Another server on the same database, called the way accounts-support calls the first. */
function server() {
  const app = createApp(a.t.deps);
  return (name: string, password: string, address: string) =>
    Promise.resolve(
      app.fetch(
        new Request('http://127.0.0.1/api/auth/signin', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ name, password }),
        }),
        { incoming: { socket: { remoteAddress: address } } },
      ),
    );
}

describe('sign-in throttling across servers', () => {
  it('counts failures on every server and keeps them over a restart', async () => {
    const one = server();
    const two = server();
    // Ten wrong passwords for one name, five on each server, from ten addresses.
    for (let i = 0; i < 10; i++) {
      const res = await (i % 2 ? two : one)('sam', 'wrong password!', `10.1.0.${i}`);
      expect(res.status).toBe(401);
    }
    const limited = await two('sam', PASSWORD, '10.1.1.1');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(800);
    // A server started afterwards (a restart) knows it too; another name is not affected.
    const three = server();
    expect((await three('sam', PASSWORD, '10.1.1.2')).status).toBe(429);
    expect((await three('kim', PASSWORD, '10.1.1.2')).status).toBe(200);
  });

  it('does not count failures older than the window', async () => {
    await a.t.db.sql`
      INSERT INTO signin_failures (key, failed_at)
      SELECT 'name:kim', now() - interval '16 minutes' FROM generate_series(1, 12)`;
    expect((await server()('kim', PASSWORD, '10.1.2.1')).status).toBe(200);
    // A new failure sweeps the expired rows away.
    expect((await server()('kim', 'wrong password!', '10.1.2.1')).status).toBe(401);
    const [left] = await a.t.db.sql<{ n: number }[]>`
      SELECT count(*)::int AS n FROM signin_failures WHERE failed_at < now() - interval '15 minutes'`;
    expect(left!.n).toBe(0);
  });
});
