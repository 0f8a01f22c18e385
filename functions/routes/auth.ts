import { Hono, type Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { DUMMY_HASH, hashPassword, verifyPassword } from '../../core/auth/password.ts';
import { digestToken, newSecretToken } from '../../core/auth/secret-token.ts';
import { AppError } from '../../core/errors.ts';
import { audit } from '../../db/audit.ts';
import { createSignInLimiter } from '../../db/signin-failures.ts';
import { createSession, findSession, revokeSession } from '../../db/sessions.ts';
import { createFirstAdmin, findUserForSignIn, hasUsers, type User } from '../../db/users.ts';
import { SESSION_COOKIE } from '../access/authenticate.ts';
import { clientAddress, fromLoopback } from '../access/context.ts';
import {
  AuthStatus,
  NewUserInput,
  SessionInfo,
  SignedIn,
  SignInInput,
} from '../contract/accounts.ts';
import type { AppDeps, AppEnv } from '../deps.ts';
import { readJson } from '../input.ts';
import { route } from '../openapi/route-spec.ts';
import { reply } from '../reply.ts';

/**
 * Accounts: GET /api/auth/status (which mode, and whether the first-run page applies),
 * POST /api/auth/setup (the first administrator, loopback only, while no user exists),
 * POST /api/auth/signin and /signout, GET /api/auth/session (who am I, with my roles).
 */
const LOOPBACK_HOST = /^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/;

function secure(c: Context): boolean {
  return new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto') === 'https';
}

/** What each route takes and answers (GET /api/openapi.json). */
export const authApi = [
  route('get', '/api/auth/status', 'The access mode; whether the first-run page applies', {
    responses: { 200: AuthStatus },
  }),
  route('post', '/api/auth/setup', 'Create the first administrator (loopback, no user yet)', {
    body: NewUserInput,
    responses: { 201: SignedIn },
  }),
  route('post', '/api/auth/signin', 'Sign in (sets the session cookie)', {
    body: SignInInput,
    responses: { 200: SignedIn },
  }),
  route('post', '/api/auth/signout', 'Sign out', { responses: { 204: null } }),
  route('get', '/api/auth/session', 'Who the request acts for, with their roles', {
    responses: { 200: SessionInfo },
  }),
];

export function authRoutes(deps: Pick<AppDeps, 'sql' | 'config'>): Hono<AppEnv> {
  const { sql, config } = deps;
  const accounts = config.AUTH_MODE === 'accounts';
  // Per client address, and per user name (so one address cannot walk many names, nor many
  // addresses one name).
  const byAddress = createSignInLimiter(sql, 'address', 20, 15 * 60_000);
  const byName = createSignInLimiter(sql, 'name', 10, 15 * 60_000);
  const app = new Hono<AppEnv>();

  const firstRun = async (c: Context) =>
    accounts &&
    fromLoopback(c) &&
    LOOPBACK_HOST.test(c.req.header('host') ?? new URL(c.req.url).host) &&
    !(await hasUsers(sql));

  const startSession = async (c: Context, user: User) => {
    const token = newSecretToken('session');
    const expiresAt = new Date(Date.now() + config.SESSION_TTL);
    await createSession(sql, {
      tokenHash: digestToken(token),
      userId: user.id,
      expiresAt,
      clientAddress: clientAddress(c),
    });
    setCookie(c, SESSION_COOKIE, token, {
      path: '/',
      httpOnly: true,
      sameSite: 'Lax',
      secure: secure(c),
      expires: expiresAt,
    });
  };

  const requireAccounts = () => {
    if (!accounts)
      throw new AppError(
        'not_found',
        'Accounts are off: start the server with AUTH_MODE=accounts.',
      );
  };

  app.get('/status', async (c) =>
    reply(c, AuthStatus, { mode: config.AUTH_MODE, setupNeeded: await firstRun(c) }),
  );

  app.post('/setup', async (c) => {
    requireAccounts();
    const body = await readJson(c, NewUserInput);
    if (!(await firstRun(c)))
      throw new AppError(
        'forbidden',
        'The first-run page works only on this machine (loopback) and only while no user exists.',
      );
    const user = await createFirstAdmin(
      sql,
      { name: body.name, passwordHash: await hashPassword(body.password) },
      'first-run',
    );
    await startSession(c, user);
    return reply(c, SignedIn, { name: user.name, isAdmin: true }, 201);
  });

  app.post('/signin', async (c) => {
    requireAccounts();
    const body = await readJson(c, SignInInput);
    const address = clientAddress(c) ?? 'unknown';
    const name = body.name.toLowerCase();
    const wait = Math.max(await byAddress.retryAfter(address), await byName.retryAfter(name));
    if (wait > 0) {
      await audit(sql, {
        actor: 'anonymous',
        action: 'auth.signin',
        targetType: 'user',
        targetId: body.name,
        outcome: 'denied',
        details: { why: 'rate limited' },
      });
      c.header('retry-after', String(wait));
      throw new AppError('rate_limited', `Too many failed sign-ins; try again in ${wait} s.`);
    }
    const user = await findUserForSignIn(sql, body.name);
    // Verify against a dummy hash for unknown names too, so timing does not tell which exist.
    const ok = await verifyPassword(body.password, user?.passwordHash ?? DUMMY_HASH);
    if (!user || !ok || user.disabled) {
      await byAddress.fail(address);
      await byName.fail(name);
      await audit(sql, {
        actor: 'anonymous',
        action: 'auth.signin',
        targetType: 'user',
        targetId: body.name,
        outcome: 'failed',
      });
      throw new AppError('unauthorized', 'Wrong user name or password.');
    }
    await byName.reset(name);
    await startSession(c, user);
    await audit(sql, {
      actor: `user:${user.name}`,
      action: 'auth.signin',
      targetType: 'user',
      targetId: user.id,
    });
    return reply(c, SignedIn, { name: user.name, isAdmin: user.isAdmin });
  });

  app.post('/signout', async (c) => {
    const cookie = getCookie(c, SESSION_COOKIE);
    if (cookie) {
      const session = await findSession(sql, digestToken(cookie));
      await revokeSession(sql, digestToken(cookie));
      if (session)
        await audit(sql, {
          actor: `user:${session.name}`,
          action: 'auth.signout',
          targetType: 'session',
          targetId: session.sessionId,
        });
    }
    deleteCookie(c, SESSION_COOKIE, { path: '/', secure: secure(c) });
    return c.body(null, 204);
  });

  app.get('/session', (c) => {
    const p = c.get('principal');
    return reply(c, SessionInfo, {
      mode: config.AUTH_MODE,
      kind: p.kind,
      actor: p.actor,
      name: p.name ?? null,
      globalAdmin: p.globalAdmin,
      everyCampaign: p.everyCampaign ?? null,
      campaigns: Object.fromEntries(p.campaigns),
    });
  });
  return app;
}
