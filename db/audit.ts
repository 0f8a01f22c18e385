import type { Db } from './client.ts';

/** Who did something. `local` until sign-in exists. */
export type Actor = string;

export interface AuditEntry {
  actor: Actor;
  action: string;
  targetType: string;
  targetId?: string | null;
  details?: Record<string, unknown>;
}

/** Appends one audit_log row; call it inside the mutation's transaction. */
export async function audit(db: Db, e: AuditEntry): Promise<void> {
  await db`
    INSERT INTO audit_log (actor, action, target_type, target_id, details)
    VALUES (${e.actor}, ${e.action}, ${e.targetType}, ${e.targetId ?? null}, ${db.json((e.details ?? {}) as never)})`;
}

export interface AuditRow {
  id: number;
  at: Date;
  actor: string;
  action: string;
  targetType: string;
  targetId: string | null;
  details: Record<string, unknown>;
}

/** Recent audit entries, newest first, optionally for one target. */
export async function listAudit(
  db: Db,
  opts: { targetId?: string; limit?: number } = {},
): Promise<AuditRow[]> {
  const limit = opts.limit ?? 100;
  return db<AuditRow[]>`
    SELECT id, at, actor, action, target_type AS "targetType", target_id AS "targetId", details
      FROM audit_log
     WHERE ${opts.targetId === undefined ? db`true` : db`target_id = ${opts.targetId}`}
     ORDER BY id DESC LIMIT ${limit}`;
}
