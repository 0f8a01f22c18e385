import { NotFoundError } from '../core/errors.ts';
import type { Role } from '../core/auth/roles.ts';
import { audit, type Actor } from './audit.ts';
import type { Db, Sql } from './client.ts';
import { mapped } from './errors.ts';

/** An API token as listed: never its value, which is shown once at creation. */
export interface ApiToken {
  id: string;
  name: string;
  role: Role;
  campaignId: string | null;
  createdBy: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

const COLUMNS = (db: Db) => db`
  id, name, role, campaign_id AS "campaignId", created_by AS "createdBy", created_at AS "createdAt",
  last_used_at AS "lastUsedAt", revoked_at AS "revokedAt"`;

/** Stores a token's digest with its name and scope. */
export async function createApiToken(
  sql: Sql,
  input: { name: string; tokenHash: Buffer; role: Role; campaignId: string | null },
  actor: Actor,
): Promise<ApiToken> {
  return mapped(() =>
    sql.begin(async (tx) => {
      if (input.campaignId) {
        const [c] = await tx`SELECT 1 FROM campaigns WHERE id = ${input.campaignId}`;
        if (!c) throw new NotFoundError('Campaign', input.campaignId);
      }
      const [row] = await tx<ApiToken[]>`
        INSERT INTO api_tokens (name, token_hash, role, campaign_id, created_by)
        VALUES (${input.name}, ${input.tokenHash}, ${input.role}, ${input.campaignId}, ${actor})
        RETURNING ${COLUMNS(tx)}`;
      await audit(tx, {
        actor,
        action: 'token.create',
        targetType: 'token',
        targetId: row!.id,
        campaignId: input.campaignId,
        details: { name: input.name, role: input.role },
      });
      return row!;
    }),
  );
}

/** Every token, newest first. */
export async function listApiTokens(db: Db): Promise<ApiToken[]> {
  return db<ApiToken[]>`SELECT ${COLUMNS(db)} FROM api_tokens ORDER BY created_at DESC, id`;
}

/** Revokes a token (idempotent); an unknown id is not found. */
export async function revokeApiToken(sql: Sql, id: string, actor: Actor): Promise<ApiToken> {
  return sql.begin(async (tx) => {
    const [row] = await tx<ApiToken[]>`
      UPDATE api_tokens SET revoked_at = coalesce(revoked_at, now()) WHERE id::text = ${id}
      RETURNING ${COLUMNS(tx)}`;
    if (!row) throw new NotFoundError('API token', id);
    await audit(tx, {
      actor,
      action: 'token.revoke',
      targetType: 'token',
      targetId: row.id,
      campaignId: row.campaignId,
      details: { name: row.name },
    });
    return row;
  });
}

/** The live token with this digest; records its use (at most once a minute). */
export async function findApiToken(db: Db, tokenHash: Buffer): Promise<ApiToken | undefined> {
  const [row] = await db<ApiToken[]>`
    SELECT ${COLUMNS(db)} FROM api_tokens WHERE token_hash = ${tokenHash} AND revoked_at IS NULL`;
  if (!row) return undefined;
  if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > 60_000)
    await db`UPDATE api_tokens SET last_used_at = now() WHERE id = ${row.id}`;
  return row;
}
