import { NotFoundError } from '../core/errors.ts';
import type { Role } from '../core/auth/roles.ts';
import { audit, type Actor } from './audit.ts';
import type { Db, Sql } from './client.ts';
import { mapped } from './errors.ts';

/** A user's role on one campaign. */
export interface Member {
  userId: string;
  name: string;
  role: Role;
  createdAt: Date;
}

/** The members of a campaign, by name. */
export async function listMembers(db: Db, campaignId: string): Promise<Member[]> {
  return db<Member[]>`
    SELECT m.user_id AS "userId", u.name, m.role, m.created_at AS "createdAt"
      FROM campaign_members m JOIN users u ON u.id = m.user_id
     WHERE m.campaign_id = ${campaignId} ORDER BY lower(u.name)`;
}

/** Adds a member or changes their role. */
export async function putMember(
  sql: Sql,
  input: { campaignId: string; userName: string; role: Role },
  actor: Actor,
): Promise<Member> {
  return mapped(() =>
    sql.begin(async (tx) => {
      const [c] = await tx`SELECT 1 FROM campaigns WHERE id = ${input.campaignId}`;
      if (!c) throw new NotFoundError('Campaign', input.campaignId);
      const [u] = await tx<{ id: string; name: string }[]>`
        SELECT id, name FROM users WHERE lower(name) = lower(${input.userName})`;
      if (!u) throw new NotFoundError('User', input.userName);
      const [row] = await tx<{ createdAt: Date; inserted: boolean }[]>`
        INSERT INTO campaign_members (campaign_id, user_id, role, created_by)
        VALUES (${input.campaignId}, ${u.id}, ${input.role}, ${actor})
        ON CONFLICT (campaign_id, user_id) DO UPDATE SET role = EXCLUDED.role
        RETURNING created_at AS "createdAt", (xmax = 0) AS inserted`;
      await audit(tx, {
        actor,
        action: row!.inserted ? 'member.add' : 'member.update',
        targetType: 'user',
        targetId: u.id,
        campaignId: input.campaignId,
        details: { name: u.name, role: input.role },
      });
      return { userId: u.id, name: u.name, role: input.role, createdAt: row!.createdAt };
    }),
  );
}

/** Removes a member; not a member is not found. */
export async function removeMember(
  sql: Sql,
  campaignId: string,
  userId: string,
  actor: Actor,
): Promise<void> {
  await sql.begin(async (tx) => {
    const rows = await tx`
      DELETE FROM campaign_members WHERE campaign_id = ${campaignId} AND user_id = ${userId}
      RETURNING role`;
    if (!rows.length) throw new NotFoundError('Member', userId);
    await audit(tx, {
      actor,
      action: 'member.remove',
      targetType: 'user',
      targetId: userId,
      campaignId,
    });
  });
}

/** A user's role on each campaign. */
export async function rolesOfUser(db: Db, userId: string): Promise<Map<string, Role>> {
  const rows = await db<{ campaignId: string; role: Role }[]>`
    SELECT campaign_id AS "campaignId", role FROM campaign_members WHERE user_id = ${userId}`;
  return new Map(rows.map((r) => [r.campaignId, r.role]));
}
