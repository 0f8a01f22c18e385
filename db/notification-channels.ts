import type postgres from 'postgres';
import { NotFoundError } from '../core/errors.ts';
import type {
  ChannelKind,
  ChannelTarget,
  NoticeEvent,
  SmtpSecurity,
} from '../core/notify/types.ts';
import { audit, type Actor } from './audit.ts';
import type { Db, Sql } from './client.ts';
import { mapped } from './errors.ts';

/**
 * A campaign's notification channels. `settings` is what the dashboard shows and edits;
 * `secrets` is written here and read only by `channelTarget` for a delivery, never by a query
 * whose rows reach the API (those carry only the names of the secrets that are set).
 */
export interface Channel {
  id: string;
  campaignId: string;
  kind: ChannelKind;
  name: string;
  events: NoticeEvent[];
  enabled: boolean;
  settings: Record<string, unknown>;
  /** Names of the secret fields that hold a value. */
  secretsSet: string[];
  createdAt: Date;
  updatedAt: Date;
}

export interface ChannelInput {
  kind: ChannelKind;
  name: string;
  events: NoticeEvent[];
  enabled?: boolean;
  settings: Record<string, unknown>;
  secrets: Record<string, string>;
}

export interface ChannelPatch {
  name?: string;
  events?: NoticeEvent[];
  enabled?: boolean;
  settings?: Record<string, unknown>;
  /** Secrets to replace; an empty string removes one; absent ones stay. */
  secrets?: Record<string, string>;
}

const select = (db: Db) => db`
  SELECT id, campaign_id AS "campaignId", kind, name, events, enabled, settings,
         ARRAY(SELECT jsonb_object_keys(secrets) ORDER BY 1) AS "secretsSet",
         created_at AS "createdAt", updated_at AS "updatedAt"
    FROM notification_channels`;

type Json = postgres.JSONValue;

/** The campaign's channels, oldest first. */
export async function listChannels(db: Db, campaignId: string): Promise<Channel[]> {
  return db<Channel[]>`${select(db)} WHERE campaign_id = ${campaignId} ORDER BY created_at, id`;
}

/** One channel of the campaign; NotFound when it belongs to another. */
export async function getChannel(db: Db, campaignId: string, id: string): Promise<Channel> {
  const [row] = await db<Channel[]>`
    ${select(db)} WHERE id = ${id} AND campaign_id = ${campaignId}`;
  if (!row) throw new NotFoundError('Notification channel', id);
  return row;
}

/** Adds a channel (audited; the audit names the channel, never its secrets). */
export async function createChannel(
  sql: Sql,
  campaignId: string,
  input: ChannelInput,
  actor: Actor,
): Promise<Channel> {
  return mapped(() =>
    sql.begin(async (tx) => {
      const [row] = await tx<{ id: string }[]>`
        INSERT INTO notification_channels
               (campaign_id, kind, name, events, enabled, settings, secrets, created_by)
        VALUES (${campaignId}, ${input.kind}, ${input.name}, ${input.events},
                ${input.enabled ?? true}, ${tx.json(input.settings as Json)},
                ${tx.json(nonEmpty(input.secrets))}, ${actor})
        RETURNING id`;
      await audit(tx, {
        actor,
        action: 'notification.channel.create',
        targetType: 'notification_channel',
        targetId: row!.id,
        campaignId,
        details: { kind: input.kind, name: input.name, events: input.events },
      });
      return getChannel(tx, campaignId, row!.id);
    }),
  );
}

/** Changes a channel; secrets given replace (or, when empty, remove) the stored ones. */
export async function updateChannel(
  sql: Sql,
  campaignId: string,
  id: string,
  patch: ChannelPatch,
  actor: Actor,
): Promise<Channel> {
  return mapped(() =>
    sql.begin(async (tx) => {
      const [cur] = await tx<{ secrets: Record<string, string> }[]>`
        SELECT secrets FROM notification_channels
         WHERE id = ${id} AND campaign_id = ${campaignId} FOR UPDATE`;
      if (!cur) throw new NotFoundError('Notification channel', id);
      const secrets = nonEmpty({ ...cur.secrets, ...patch.secrets });
      await tx`
        UPDATE notification_channels SET
               name = COALESCE(${patch.name ?? null}, name),
               events = COALESCE(${patch.events ?? null}::text[], events),
               enabled = COALESCE(${patch.enabled ?? null}, enabled),
               settings = COALESCE(${patch.settings ? tx.json(patch.settings as Json) : null}, settings),
               secrets = ${tx.json(secrets)}, updated_at = now()
         WHERE id = ${id}`;
      await audit(tx, {
        actor,
        action: 'notification.channel.update',
        targetType: 'notification_channel',
        targetId: id,
        campaignId,
        details: {
          changed: Object.keys(patch).filter((k) => k !== 'secrets'),
          secretsChanged: Object.keys(patch.secrets ?? {}),
        },
      });
      return getChannel(tx, campaignId, id);
    }),
  );
}

/** Removes a channel (its delivery log stays, without the link). */
export async function deleteChannel(
  sql: Sql,
  campaignId: string,
  id: string,
  actor: Actor,
): Promise<void> {
  await sql.begin(async (tx) => {
    const rows = await tx`
      DELETE FROM notification_channels WHERE id = ${id} AND campaign_id = ${campaignId} RETURNING id`;
    if (!rows.length) throw new NotFoundError('Notification channel', id);
    await audit(tx, {
      actor,
      action: 'notification.channel.delete',
      targetType: 'notification_channel',
      targetId: id,
      campaignId,
    });
  });
}

/** Enabled channels of the campaign that subscribe to the event. */
export async function subscribedChannels(
  db: Db,
  campaignId: string,
  event: NoticeEvent,
): Promise<Pick<Channel, 'id' | 'kind' | 'name'>[]> {
  return db<Pick<Channel, 'id' | 'kind' | 'name'>[]>`
    SELECT id, kind, name FROM notification_channels
     WHERE campaign_id = ${campaignId} AND enabled AND ${event} = ANY (events)
     ORDER BY created_at, id`;
}

/** The channel's target with its secrets, for the one step that delivers; undefined when gone. */
export async function channelTarget(db: Db, id: string): Promise<ChannelTarget | undefined> {
  const [row] = await db<
    { kind: ChannelKind; settings: Record<string, unknown>; secrets: Record<string, string> }[]
  >`SELECT kind, settings, secrets FROM notification_channels WHERE id = ${id}`;
  return row ? targetOf(row.kind, row.settings, row.secrets) : undefined;
}

/** Builds a target from stored settings and secrets (both checked on the way in, by the API). */
export function targetOf(
  kind: ChannelKind,
  settings: Record<string, unknown>,
  secrets: Record<string, string>,
): ChannelTarget {
  const s = (k: string) => (typeof settings[k] === 'string' ? (settings[k] as string) : '');
  switch (kind) {
    case 'webhook':
      return { kind, url: s('url'), secret: secrets.secret ?? '' };
    case 'slack':
    case 'discord':
      return { kind, url: secrets.url ?? '' };
    case 'ntfy':
      return { kind, url: s('url'), ...(secrets.token ? { token: secrets.token } : {}) };
    case 'email':
      return {
        kind,
        host: s('host'),
        port: typeof settings.port === 'number' ? settings.port : 587,
        security: (s('security') || 'starttls') as SmtpSecurity,
        from: s('from'),
        to: Array.isArray(settings.to) ? settings.to.filter((x) => typeof x === 'string') : [],
        ...(s('user') ? { user: s('user') } : {}),
        ...(secrets.password ? { password: secrets.password } : {}),
      };
  }
}

const nonEmpty = (o: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== ''));
