import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPassword } from '../../core/auth/password.ts';
import { digestToken } from '../../core/auth/secret-token.ts';
import { findApiToken } from '../../db/api-tokens.ts';
import { createCampaign } from '../../db/campaigns.ts';
import { createSession, findSession } from '../../db/sessions.ts';
import { findUserForSignIn } from '../../db/users.ts';
import { createTestDb, type TestDb } from '../../test/support/db.ts';
import { runCli } from '../../test/support/server.ts';

/**
 * `scenario-gen user add` and `scenario-gen token create|list|revoke`, run as a user runs them,
 * on a database of the test's own (its schema rides in the URL's search_path option).
 */
let t: TestDb;
let dir: string;
let env: NodeJS.ProcessEnv;
beforeAll(async () => {
  t = await createTestDb();
  dir = mkdtempSync(path.join(tmpdir(), 'sg-cli-accounts-'));
  const url = new URL(t.url);
  url.searchParams.set('options', `-c search_path=${t.schema}`);
  env = { PATH: process.env.PATH, DATABASE_URL: url.toString(), DATA_DIR: dir };
});
afterAll(async () => {
  await t?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe('scenario-gen user', () => {
  it('adds the first administrator with a password from a file, hashed', async () => {
    const file = path.join(dir, 'pw');
    writeFileSync(file, 'a long enough password\n');
    const r = await runCli(['user', 'add', 'root', '--admin', '--password-file', file], env);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('Created administrator root.\n');
    expect(r.code).toBe(0);
    const user = await findUserForSignIn(t.sql, 'root');
    expect(user?.isAdmin).toBe(true);
    expect(user!.passwordHash).not.toContain('a long enough password');
    expect(await verifyPassword('a long enough password', user!.passwordHash)).toBe(true);
    const again = await runCli(['user', 'add', 'root', '--password-file', file], env);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already exists/);
  });

  it('disables a user, revoking their sessions, and enables them again', async () => {
    const user = (await findUserForSignIn(t.sql, 'root'))!;
    await createSession(t.sql, {
      tokenHash: digestToken('sgs_x'),
      userId: user.id,
      expiresAt: new Date(Date.now() + 60_000),
      clientAddress: null,
    });
    const off = await runCli(['user', 'disable', 'root'], env);
    expect(off.stdout).toBe('Disabled root; revoked 1 session(s).\n');
    expect(await findSession(t.sql, digestToken('sgs_x'))).toBeUndefined();
    expect((await runCli(['user', 'list'], env)).stdout).toBe(
      'root  (administrator)  (disabled)\n',
    );
    expect((await runCli(['user', 'enable', 'root'], env)).stdout).toBe('Enabled root.\n');
    expect((await runCli(['user', 'disable', 'nobody'], env)).code).toBe(2);
  });

  it('refuses a short password', async () => {
    const file = path.join(dir, 'short');
    writeFileSync(file, 'short\n');
    const r = await runCli(['user', 'add', 'bob', '--password-file', file], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/at least 10 characters/);
  });
});

describe('scenario-gen token', () => {
  it('creates a token shown once, lists it without its value, revokes it', async () => {
    const campaign = await createCampaign(t.sql, { name: 'Tokens' }, 'test');
    const created = await runCli(
      ['token', 'create', 'ci runner', '--role', 'operator', '--campaign', campaign.id],
      env,
    );
    expect(created.code).toBe(0);
    const token = created.stdout.trim();
    expect(token).toMatch(/^sgt_[A-Za-z0-9_-]{40,}$/);
    const row = await findApiToken(t.sql, digestToken(token));
    expect(row).toMatchObject({ name: 'ci runner', role: 'operator', campaignId: campaign.id });

    const list = await runCli(['token', 'list'], env);
    expect(list.stdout).toContain(`${row!.id}  ci runner  operator  ${campaign.id}`);
    expect(list.stdout).not.toContain(token);

    const revoked = await runCli(['token', 'revoke', row!.id], env);
    expect(revoked.code).toBe(0);
    expect(await findApiToken(t.sql, digestToken(token))).toBeUndefined();
    expect((await runCli(['token', 'list'], env)).stdout).toMatch(/revoked \d{4}-/);
    expect((await runCli(['token', 'create', 'x', '--role', 'owner'], env)).code).toBe(2);
  });
});
