import type { Db } from './client.ts';

/** A browser session: a random token whose SHA-256 digest is stored, never the token. */
export interface SessionUser {
  sessionId: string;
  userId: string;
  name: string;
  isAdmin: boolean;
  expiresAt: Date;
}

/** Stores a new session. */
export async function createSession(
  db: Db,
  input: { tokenHash: Buffer; userId: string; expiresAt: Date; clientAddress: string | null },
): Promise<string> {
  const [row] = await db<{ id: string }[]>`
    INSERT INTO user_sessions (token_hash, user_id, expires_at, client_address)
    VALUES (${input.tokenHash}, ${input.userId}, ${input.expiresAt}, ${input.clientAddress})
    RETURNING id`;
  return row!.id;
}

/**
 * The live session with this digest (not expired, not revoked, user not disabled), or
 * undefined. Refreshes last_seen_at at most once a minute.
 */
export async function findSession(db: Db, tokenHash: Buffer): Promise<SessionUser | undefined> {
  const [row] = await db<(SessionUser & { stale: boolean })[]>`
    SELECT s.id AS "sessionId", u.id AS "userId", u.name, u.is_admin AS "isAdmin",
           s.expires_at AS "expiresAt", s.last_seen_at < now() - interval '1 minute' AS stale
      FROM user_sessions s JOIN users u ON u.id = s.user_id
     WHERE s.token_hash = ${tokenHash} AND s.revoked_at IS NULL AND s.expires_at > now()
       AND NOT u.disabled`;
  if (!row) return undefined;
  if (row.stale)
    await db`UPDATE user_sessions SET last_seen_at = now() WHERE id = ${row.sessionId}`;
  const { stale: _stale, ...session } = row;
  return session;
}

/** Revokes the session with this digest (sign-out). */
export async function revokeSession(db: Db, tokenHash: Buffer): Promise<void> {
  await db`UPDATE user_sessions SET revoked_at = now() WHERE token_hash = ${tokenHash} AND revoked_at IS NULL`;
}

/** Revokes every session of a user. */
export async function revokeUserSessions(db: Db, userId: string): Promise<number> {
  const rows =
    await db`UPDATE user_sessions SET revoked_at = now() WHERE user_id = ${userId} AND revoked_at IS NULL RETURNING id`;
  return rows.length;
}
