import { hashPassword } from '../../core/auth/password.ts';
import { createApp } from '../../functions/app.ts';
import { createUser } from '../../db/users.ts';
import { putMember } from '../../db/members.ts';
import type { Role } from '../../core/auth/roles.ts';
import { createTestApp, type TestApp } from '../support/app.ts';

/**
 * An accounts-mode app for API tests, called through app.fetch with a chosen client address
 * (Node's socket address is what the server trusts), plus helpers to make users and sign in.
 */
export interface AccountsApp {
  t: TestApp;
  fetch(
    method: string,
    url: string,
    opts?: { body?: unknown; headers?: Record<string, string>; address?: string },
  ): Promise<Response>;
  /** Creates a user (optionally a member of a campaign) and returns their session cookie. */
  user(name: string, opts?: { admin?: boolean; campaign?: string; role?: Role }): Promise<string>;
  signIn(name: string, password?: string): Promise<Response>;
}

export const PASSWORD = 'correct horse battery';

export async function createAccountsApp(env: Record<string, string> = {}): Promise<AccountsApp> {
  const t = await createTestApp({ AUTH_MODE: 'accounts', ...env });
  const app = createApp(t.deps);
  const fetch: AccountsApp['fetch'] = (method, url, opts = {}) => {
    const headers: Record<string, string> = { ...opts.headers };
    const init: RequestInit = { method, headers };
    if (opts.body !== undefined) init.body = JSON.stringify(opts.body);
    if (method !== 'GET' && method !== 'HEAD') headers['content-type'] ??= 'application/json';
    return Promise.resolve(
      app.fetch(new Request(`http://127.0.0.1${url}`, init), {
        incoming: { socket: { remoteAddress: opts.address ?? '127.0.0.1' } },
      }),
    );
  };
  const signIn: AccountsApp['signIn'] = (name, password = PASSWORD) =>
    fetch('POST', '/api/auth/signin', { body: { name, password } });
  return {
    t,
    fetch,
    signIn,
    async user(name, opts = {}) {
      await createUser(
        t.db.sql,
        { name, passwordHash: await hashPassword(PASSWORD), isAdmin: opts.admin ?? false },
        'test',
      );
      if (opts.campaign)
        await putMember(
          t.db.sql,
          { campaignId: opts.campaign, userName: name, role: opts.role ?? 'viewer' },
          'test',
        );
      const res = await signIn(name);
      const cookie = res.headers.get('set-cookie')?.split(';')[0];
      if (res.status !== 200 || !cookie) throw new Error(`sign-in of ${name}: ${res.status}`);
      return cookie;
    },
  };
}
