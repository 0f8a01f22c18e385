import { Hono } from 'hono';
import { hashPassword } from '../../core/auth/password.ts';
import { listMembers, putMember, removeMember } from '../../db/members.ts';
import { createUser, listUsers } from '../../db/users.ts';
import type { AppDeps, AppEnv } from '../deps.ts';
import { readId, readJson } from '../input.ts';
import { MemberInput, NewUserInput } from '../schemas/account.ts';

/**
 * Users (global administrators: /api/users) and campaign members (campaign administrators:
 * /api/campaigns/:id/members). Who may call each is in functions/access/policies.ts.
 */
export function userRoutes({ sql }: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/users', async (c) => c.json({ items: await listUsers(sql) }));
  app.post('/users', async (c) => {
    const body = await readJson(c, NewUserInput);
    const user = await createUser(
      sql,
      {
        name: body.name,
        passwordHash: await hashPassword(body.password),
        isAdmin: body.admin ?? false,
      },
      c.get('actor'),
    );
    return c.json(user, 201);
  });
  app.get('/campaigns/:id/members', async (c) =>
    c.json({ items: await listMembers(sql, readId(c)) }),
  );
  app.put('/campaigns/:id/members', async (c) => {
    const id = readId(c);
    const body = await readJson(c, MemberInput);
    return c.json(
      await putMember(
        sql,
        { campaignId: id, userName: body.name, role: body.role },
        c.get('actor'),
      ),
    );
  });
  app.delete('/campaigns/:id/members/:userId', async (c) => {
    await removeMember(sql, readId(c), readId(c, 'userId'), c.get('actor'));
    return c.body(null, 204);
  });
  return app;
}
