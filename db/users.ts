import { ConflictError, NotFoundError } from '../core/errors.ts';
import { audit, type Actor } from './audit.ts';
import type { Db, Sql } from './client.ts';
import { mapped } from './errors.ts';

/** A user account (AUTH_MODE=accounts). The password hash never leaves db/ and core/auth/. */
export interface User {
  id: string;
  name: string;
  isAdmin: boolean;
  disabled: boolean;
  createdAt: Date;
}

const COLUMNS = (db: Db) =>
  db`id, name, is_admin AS "isAdmin", disabled, created_at AS "createdAt"`;

/** Creates a user; a taken name (case-insensitive) is a conflict. */
export async function createUser(
  sql: Sql,
  input: { name: string; passwordHash: string; isAdmin: boolean },
  actor: Actor,
): Promise<User> {
  return mapped(() =>
    sql.begin(async (tx) => {
      const [taken] = await tx`SELECT 1 FROM users WHERE lower(name) = lower(${input.name})`;
      if (taken) throw new ConflictError(`A user named ${input.name} already exists.`);
      const [row] = await tx<User[]>`
        INSERT INTO users (name, password_hash, is_admin, created_by)
        VALUES (${input.name}, ${input.passwordHash}, ${input.isAdmin}, ${actor})
        RETURNING ${COLUMNS(tx)}`;
      await audit(tx, {
        actor,
        action: 'user.create',
        targetType: 'user',
        targetId: row!.id,
        details: { name: input.name, admin: input.isAdmin },
      });
      return row!;
    }),
  );
}

/**
 * Creates the first administrator, only while no user exists (the first-run page). Serialised
 * with a lock, so two first-run submissions cannot both succeed.
 */
export async function createFirstAdmin(
  sql: Sql,
  input: { name: string; passwordHash: string },
  actor: Actor,
): Promise<User> {
  return mapped(() =>
    sql.begin(async (tx) => {
      await tx`LOCK TABLE users IN EXCLUSIVE MODE`;
      const [any] = await tx`SELECT 1 FROM users LIMIT 1`;
      if (any) throw new ConflictError('An administrator already exists; sign in instead.');
      const [row] = await tx<User[]>`
        INSERT INTO users (name, password_hash, is_admin, created_by)
        VALUES (${input.name}, ${input.passwordHash}, true, ${actor})
        RETURNING ${COLUMNS(tx)}`;
      await audit(tx, {
        actor,
        action: 'user.create',
        targetType: 'user',
        targetId: row!.id,
        details: { name: input.name, admin: true, firstRun: true },
      });
      return row!;
    }),
  );
}

/** The user and password hash for a sign-in, or undefined. */
export async function findUserForSignIn(
  db: Db,
  name: string,
): Promise<(User & { passwordHash: string }) | undefined> {
  const [row] = await db<(User & { passwordHash: string })[]>`
    SELECT ${COLUMNS(db)}, password_hash AS "passwordHash"
      FROM users WHERE lower(name) = lower(${name})`;
  return row;
}

export async function getUserByName(db: Db, name: string): Promise<User> {
  const [row] = await db<
    User[]
  >`SELECT ${COLUMNS(db)} FROM users WHERE lower(name) = lower(${name})`;
  if (!row) throw new NotFoundError('User', name);
  return row;
}

/** Every user, by name. */
export async function listUsers(db: Db): Promise<User[]> {
  return db<User[]>`SELECT ${COLUMNS(db)} FROM users ORDER BY lower(name)`;
}

/** True when at least one user exists. */
export async function hasUsers(db: Db): Promise<boolean> {
  const [row] = await db`SELECT 1 FROM users LIMIT 1`;
  return Boolean(row);
}

/**
 * Disables (or re-enables) a user. Disabling also revokes every session at once: a disabled
 * user's cookie stops working on the next request.
 */
export async function setUserDisabled(
  sql: Sql,
  name: string,
  disabled: boolean,
  actor: Actor,
): Promise<{ user: User; sessionsRevoked: number }> {
  return sql.begin(async (tx) => {
    const [user] = await tx<User[]>`
      UPDATE users SET disabled = ${disabled}, updated_at = now() WHERE lower(name) = lower(${name})
      RETURNING ${COLUMNS(tx)}`;
    if (!user) throw new NotFoundError('User', name);
    const revoked = disabled
      ? await tx`UPDATE user_sessions SET revoked_at = now() WHERE user_id = ${user.id} AND revoked_at IS NULL RETURNING id`
      : [];
    await audit(tx, {
      actor,
      action: disabled ? 'user.disable' : 'user.enable',
      targetType: 'user',
      targetId: user.id,
      details: { name: user.name, sessionsRevoked: revoked.length },
    });
    return { user, sessionsRevoked: revoked.length };
  });
}
