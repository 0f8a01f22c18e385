import { NotFoundError } from '../core/errors.ts';
import type { Db } from './client.ts';

/**
 * The delivery log: one row per notice and channel, updated after every attempt, so a campaign
 * sees what was sent where, how often it was tried, and why it failed (errors are stored with
 * the channel's secrets already redacted by core/notify).
 */
export const DELIVERY_STATUSES = ['pending', 'retrying', 'delivered', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export interface Delivery {
  id: string;
  noticeId: string;
  channelId: string | null;
  channelName: string;
  channelKind: string;
  runId: string | null;
  event: string;
  title: string;
  status: DeliveryStatus;
  attempts: number;
  responseStatus: number | null;
  lastError: string | null;
  createdAt: Date;
  updatedAt: Date;
  deliveredAt: Date | null;
}

export interface NewDelivery {
  noticeId: string;
  campaignId: string;
  channelId: string;
  channelName: string;
  channelKind: string;
  runId: string | null;
  event: string;
  title: string;
}

const COLUMNS = (db: Db) => db`
  id, notice_id AS "noticeId", channel_id AS "channelId", channel_name AS "channelName",
  channel_kind AS "channelKind", run_id AS "runId", event, title, status, attempts,
  response_status AS "responseStatus", last_error AS "lastError", created_at AS "createdAt",
  updated_at AS "updatedAt", delivered_at AS "deliveredAt"`;

/** Opens a delivery (pending), or returns the one already open for the same notice id. */
export async function openDelivery(db: Db, d: NewDelivery): Promise<Delivery> {
  await db`
    INSERT INTO notification_deliveries
           (notice_id, campaign_id, channel_id, channel_name, channel_kind, run_id, event, title)
    VALUES (${d.noticeId}, ${d.campaignId}, ${d.channelId}, ${d.channelName}, ${d.channelKind},
            ${d.runId}, ${d.event}, ${d.title})
    ON CONFLICT (notice_id) DO NOTHING`;
  const [row] = await db<Delivery[]>`
    SELECT ${COLUMNS(db)} FROM notification_deliveries WHERE notice_id = ${d.noticeId}`;
  return row!;
}

/**
 * Records one attempt: delivered, or failed with the error — `retrying` while more attempts
 * will follow, `failed` when none will.
 */
export async function recordAttempt(
  db: Db,
  id: string,
  o: { ok: true; status?: number } | { ok: false; status?: number; error: string; final: boolean },
): Promise<void> {
  const status: DeliveryStatus = o.ok ? 'delivered' : o.final ? 'failed' : 'retrying';
  await db`
    UPDATE notification_deliveries SET
           status = ${status}, attempts = attempts + 1, updated_at = now(),
           response_status = ${o.status ?? null},
           last_error = ${o.ok ? null : o.error.slice(0, 1000)},
           delivered_at = ${o.ok ? db`now()` : null}
     WHERE id = ${id} AND status <> 'delivered'`;
}

/** Marks a delivery failed for good without another attempt (its retries were spent). */
export async function giveUpDelivery(db: Db, id: string): Promise<void> {
  await db`
    UPDATE notification_deliveries SET status = 'failed', updated_at = now()
     WHERE id = ${id} AND status IN ('pending', 'retrying')`;
}

/** One delivery by id. */
export async function getDelivery(db: Db, id: string): Promise<Delivery> {
  const [row] = await db<Delivery[]>`
    SELECT ${COLUMNS(db)} FROM notification_deliveries WHERE id = ${id}`;
  if (!row) throw new NotFoundError('Notification delivery', id);
  return row;
}

/** The campaign's deliveries, newest first (optionally of one channel). */
export async function listDeliveries(
  db: Db,
  campaignId: string,
  o: { channelId?: string; limit?: number } = {},
): Promise<Delivery[]> {
  return db<Delivery[]>`
    SELECT ${COLUMNS(db)} FROM notification_deliveries
     WHERE campaign_id = ${campaignId}
       ${o.channelId ? db`AND channel_id = ${o.channelId}` : db``}
     ORDER BY created_at DESC, id DESC
     LIMIT ${o.limit ?? 50}`;
}

/** What a notice about a run says: its campaign, scenario and how it ended. */
export interface RunNoticeFacts {
  campaignId: string;
  campaignName: string;
  scenarioId: string;
  scenarioTitle: string;
  runNumber: number;
  status: string;
  failureClass: string | null;
  error: string | null;
  wakeAt: Date | null;
  costUsd: number;
}

/** The facts of a run for its notice; undefined when the run is gone. */
export async function runNoticeFacts(db: Db, runId: string): Promise<RunNoticeFacts | undefined> {
  const [row] = await db<RunNoticeFacts[]>`
    SELECT c.id AS "campaignId", c.name AS "campaignName", s.id AS "scenarioId",
           s.title AS "scenarioTitle", r.number AS "runNumber", r.status,
           r.failure_class AS "failureClass", r.error, r.wake_at AS "wakeAt",
           r.cost_usd::float8 AS "costUsd"
      FROM runs r JOIN scenarios s ON s.id = r.scenario_id JOIN campaigns c ON c.id = s.campaign_id
     WHERE r.id = ${runId}`;
  return row;
}
