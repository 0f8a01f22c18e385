import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../test/support/db.ts';
import { digestToken, newSecretToken } from '../core/auth/secret-token.ts';
import { withRequestContext } from '../core/auth/request-context.ts';
import { createApiToken, findApiToken, listApiTokens, revokeApiToken } from './api-tokens.ts';
import { audit, queryAudit } from './audit.ts';
import { createCampaign } from './campaigns.ts';
import { auditDeploy } from './deploy-audit.ts';
import { createRun } from './runs.ts';
import { createScenario } from './scenarios.ts';
import { listMembers, putMember, removeMember, rolesOfUser } from './members.ts';
import { createSession, findSession, revokeSession } from './sessions.ts';
import { createFirstAdmin, createUser, findUserForSignIn } from './users.ts';

/**
 * Accounts in Postgres (migration 005): users, sessions and tokens stored as digests, members,
 * and an audit trail the application can append to but never change.
 */
let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => {
  await t?.drop();
});

describe('accounts', () => {
  it('creates the first administrator once, then users with unique names', async () => {
    const first = await createFirstAdmin(t.sql, { name: 'root', passwordHash: 'h' }, 'first-run');
    expect(first.isAdmin).toBe(true);
    await expect(
      createFirstAdmin(t.sql, { name: 'again', passwordHash: 'h' }, 'first-run'),
    ).rejects.toMatchObject({ code: 'conflict' });
    await createUser(t.sql, { name: 'Vera', passwordHash: 'h2', isAdmin: false }, 'user:root');
    await expect(
      createUser(t.sql, { name: 'vera', passwordHash: 'x', isAdmin: false }, 'user:root'),
    ).rejects.toMatchObject({ code: 'conflict' });
    expect((await findUserForSignIn(t.sql, 'VERA'))?.passwordHash).toBe('h2');
  });

  it('finds a live session by digest only; a revoked or expired one is gone', async () => {
    const user = (await findUserForSignIn(t.sql, 'vera'))!;
    const token = newSecretToken('session');
    await createSession(t.sql, {
      tokenHash: digestToken(token),
      userId: user.id,
      expiresAt: new Date(Date.now() + 60_000),
      clientAddress: '127.0.0.1',
    });
    expect((await findSession(t.sql, digestToken(token)))?.name).toBe('Vera');
    const stored = await t.sql`SELECT token_hash FROM user_sessions`;
    expect(JSON.stringify(stored)).not.toContain(token);
    await revokeSession(t.sql, digestToken(token));
    expect(await findSession(t.sql, digestToken(token))).toBeUndefined();

    const old = newSecretToken('session');
    await createSession(t.sql, {
      tokenHash: digestToken(old),
      userId: user.id,
      expiresAt: new Date(Date.now() - 1000),
      clientAddress: null,
    });
    expect(await findSession(t.sql, digestToken(old))).toBeUndefined();
  });

  it('scopes, lists and revokes API tokens, recording last use', async () => {
    const token = newSecretToken('api');
    const created = await createApiToken(
      t.sql,
      { name: 'ci', tokenHash: digestToken(token), role: 'operator', campaignId: null },
      'local',
    );
    const found = await findApiToken(t.sql, digestToken(token));
    expect(found?.role).toBe('operator');
    expect((await listApiTokens(t.sql))[0]?.lastUsedAt).toBeInstanceOf(Date);
    await revokeApiToken(t.sql, created.id, 'local');
    expect(await findApiToken(t.sql, digestToken(token))).toBeUndefined();
  });

  it('keeps campaign roles per member and audits each change with its campaign', async () => {
    const c = await createCampaign(t.sql, { name: 'Members' }, 'local');
    const m = await putMember(
      t.sql,
      { campaignId: c.id, userName: 'vera', role: 'viewer' },
      'user:root',
    );
    await putMember(t.sql, { campaignId: c.id, userName: 'vera', role: 'operator' }, 'user:root');
    expect((await rolesOfUser(t.sql, m.userId)).get(c.id)).toBe('operator');
    expect((await listMembers(t.sql, c.id)).map((x) => x.role)).toEqual(['operator']);
    await removeMember(t.sql, c.id, m.userId, 'user:root');
    const rows = await queryAudit(t.sql, { campaignId: c.id, action: 'member.', limit: 10 });
    expect(rows.map((r) => r.action)).toEqual(['member.remove', 'member.update', 'member.add']);
  });
});

describe('audit trail', () => {
  it('records the request context and filters by actor, action, campaign and time', async () => {
    await withRequestContext({ requestId: 'req-1', clientAddress: '10.1.2.3' }, () =>
      audit(t.sql, {
        actor: 'user:mallory',
        action: 'authz.denied',
        targetType: 'route',
        targetId: 'POST /api/scenarios/:id/generate',
        outcome: 'denied',
      }),
    );
    const [row] = await queryAudit(t.sql, { actor: 'user:mallory', limit: 5 });
    expect(row).toMatchObject({ outcome: 'denied', clientAddress: '10.1.2.3', requestId: 'req-1' });
    expect(await queryAudit(t.sql, { actor: 'user:mallory', to: new Date(0), limit: 5 })).toEqual(
      [],
    );
    const page1 = await queryAudit(t.sql, { limit: 2 });
    const page2 = await queryAudit(t.sql, { limit: 2, before: page1.at(-1)!.id });
    expect(page2[0]!.id).toBeLessThan(page1.at(-1)!.id);
  });

  it('records a deploy for the pipeline, naming who started the run and its campaign', async () => {
    const c = await createCampaign(t.sql, { name: 'Deploys' }, 'local');
    const s = await createScenario(
      t.sql,
      { campaignId: c.id, title: 'X', request: 'Y' },
      'user:olga',
    );
    const run = await createRun(
      t.sql,
      { scenarioId: s.id, trigger: 'api', config: {} },
      'user:olga',
    );
    await auditDeploy(t.sql, { runId: run.id, target: 'archive', location: 'k', outcome: 'ok' });
    const [row] = await queryAudit(t.sql, { action: 'deploy', limit: 1 });
    expect(row).toMatchObject({
      actor: 'pipeline',
      campaignId: c.id,
      outcome: 'ok',
      details: { target: 'archive', startedBy: 'user:olga', location: 'k' },
    });
    const [start] = await queryAudit(t.sql, { action: 'run.start', limit: 1 });
    expect(start).toMatchObject({ actor: 'user:olga', campaignId: c.id });
  });

  it('refuses UPDATE, DELETE and TRUNCATE of audit rows', async () => {
    await expect(t.sql`UPDATE audit_log SET actor = 'someone-else'`).rejects.toThrow(/append-only/);
    await expect(t.sql`DELETE FROM audit_log`).rejects.toThrow(/append-only/);
    await expect(t.sql`TRUNCATE audit_log`).rejects.toThrow(/append-only/);
    expect((await queryAudit(t.sql, { limit: 1000 })).length).toBeGreaterThan(5);
  });
});
