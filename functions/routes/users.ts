import { Hono } from 'hono';
import { hashPassword } from '../../core/auth/password.ts';
import { listMembers, putMember, removeMember } from '../../db/members.ts';
import { createUser, listUsers } from '../../db/users.ts';
import {
  Member,
  MemberInput,
  MemberList,
  NewUserInput,
  User,
  UserList,
} from '../contract/accounts.ts';
import type { AppDeps, AppEnv } from '../deps.ts';
import { readId, readJson } from '../input.ts';
import { route } from '../openapi/route-spec.ts';
import { reply } from '../reply.ts';

/** What each route takes and answers (GET /api/openapi.json). */
export const userApi = [
  route('get', '/api/users', 'Every user', { responses: { 200: UserList } }),
  route('post', '/api/users', 'Add a user', { body: NewUserInput, responses: { 201: User } }),
  route('get', '/api/campaigns/:id/members', 'The members of a campaign', {
    responses: { 200: MemberList },
  }),
  route('put', '/api/campaigns/:id/members', 'Add a member or change their role', {
    body: MemberInput,
    responses: { 200: Member },
  }),
  route('delete', '/api/campaigns/:id/members/:userId', 'Remove a member', {
    responses: { 204: null },
  }),
];

/**
 * Users (global administrators: /api/users) and campaign members (campaign administrators:
 * /api/campaigns/:id/members). Who may call each is in functions/access/policies.ts.
 */
export function userRoutes({ sql }: Pick<AppDeps, 'sql'>): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/users', async (c) => reply(c, UserList, { items: await listUsers(sql) }));
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
    return reply(c, User, user, 201);
  });
  app.get('/campaigns/:id/members', async (c) =>
    reply(c, MemberList, { items: await listMembers(sql, readId(c)) }),
  );
  app.put('/campaigns/:id/members', async (c) => {
    const id = readId(c);
    const body = await readJson(c, MemberInput);
    return reply(
      c,
      Member,
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
