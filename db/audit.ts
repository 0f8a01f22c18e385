import { currentRequest } from '../core/auth/request-context.ts';
import type { Db } from './client.ts';

/** Who did something: `local` (zero-configuration mode), `user:NAME`, `token:NAME`, … */
export type Actor = string;

export type AuditOutcome = 'ok' | 'denied' | 'failed';

export interface AuditEntry {
  actor: Actor;
  action: string;
  targetType: string;
  targetId?: string | null;
  /** Never a secret: callers pass names and ids, not tokens or passwords. */
  details?: Record<string, unknown>;
  outcome?: AuditOutcome;
  /** Derived from the target (campaign, scenario, run) when absent. */
  campaignId?: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function explicitCampaign(e: AuditEntry): string | null {
  if (e.campaignId !== undefined) return e.campaignId;
  const fromDetails = e.details?.campaignId;
  if (typeof fromDetails === 'string' && UUID.test(fromDetails)) return fromDetails;
  if (e.targetType === 'campaign' && e.targetId && UUID.test(e.targetId)) return e.targetId;
  return null;
}

/**
 * Appends one audit_log row; call it inside the mutation's transaction. The client address and
 * request id come from the request being served (core/auth/request-context.ts).
 */
export async function audit(db: Db, e: AuditEntry): Promise<void> {
  const req = currentRequest();
  const campaign = explicitCampaign(e);
  const target = e.targetId ?? null;
  await db`
    INSERT INTO audit_log (actor, action, target_type, target_id, details, outcome, campaign_id,
                           client_address, request_id)
    VALUES (${e.actor}, ${e.action}, ${e.targetType}, ${target}, ${db.json((e.details ?? {}) as never)},
            ${e.outcome ?? 'ok'},
            coalesce(${campaign}::uuid,
              CASE ${e.targetType}::text
                WHEN 'scenario' THEN (SELECT campaign_id FROM scenarios WHERE id::text = ${target})
                WHEN 'run' THEN (SELECT s.campaign_id FROM runs r JOIN scenarios s ON s.id = r.scenario_id
                                  WHERE r.id::text = ${target})
              END),
            ${req?.clientAddress ?? null}, ${req?.requestId ?? null})`;
}

export interface AuditRow {
  id: number;
  at: Date;
  actor: string;
  action: string;
  targetType: string;
  targetId: string | null;
  details: Record<string, unknown>;
  outcome: AuditOutcome;
  campaignId: string | null;
  clientAddress: string | null;
  requestId: string | null;
}

const ROW = (db: Db) => db`
  id, at, actor, action, target_type AS "targetType", target_id AS "targetId", details, outcome,
  campaign_id AS "campaignId", client_address AS "clientAddress", request_id AS "requestId"`;

/** Recent audit entries, newest first, optionally for one target. */
export async function listAudit(
  db: Db,
  opts: { targetId?: string; limit?: number } = {},
): Promise<AuditRow[]> {
  const limit = opts.limit ?? 100;
  return db<AuditRow[]>`
    SELECT ${ROW(db)}
      FROM audit_log
     WHERE ${opts.targetId === undefined ? db`true` : db`target_id = ${opts.targetId}`}
     ORDER BY id DESC LIMIT ${limit}`;
}

export interface AuditQuery {
  actor?: string;
  /** An exact action, or a prefix ending in `.` (`run.` matches run.start, run.cancel …). */
  action?: string;
  campaignId?: string;
  /** Only rows of these campaigns (a campaign administrator's view); undefined: all. */
  campaignIds?: string[];
  from?: Date;
  to?: Date;
  /** Keyset paging: rows with a smaller id than this. */
  before?: number;
  limit: number;
}

/** Audit rows matching every given filter, newest first. */
export async function queryAudit(db: Db, q: AuditQuery): Promise<AuditRow[]> {
  const action = q.action?.endsWith('.')
    ? db`action LIKE ${q.action.replace(/[\\%_]/g, '\\$&') + '%'}`
    : q.action
      ? db`action = ${q.action}`
      : db`true`;
  return db<AuditRow[]>`
    SELECT ${ROW(db)} FROM audit_log
     WHERE ${q.actor ? db`actor = ${q.actor}` : db`true`}
       AND ${action}
       AND ${q.campaignId ? db`campaign_id = ${q.campaignId}` : db`true`}
       AND ${q.campaignIds ? db`campaign_id = ANY(${q.campaignIds}::uuid[])` : db`true`}
       AND ${q.from ? db`at >= ${q.from}` : db`true`}
       AND ${q.to ? db`at < ${q.to}` : db`true`}
       AND ${q.before ? db`id < ${q.before}` : db`true`}
     ORDER BY id DESC LIMIT ${q.limit}`;
}
