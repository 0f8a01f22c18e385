import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import * as v from 'valibot';
import {
  CHANNEL_KINDS,
  NOTICE_EVENTS,
  NOTICE_EVENT_LABELS,
  type ChannelKind,
} from '../../core/notify/types.ts';
import { getCampaign } from '../../db/campaigns.ts';
import {
  createChannel,
  deleteChannel,
  getChannel,
  listChannels,
  updateChannel,
} from '../../db/notification-channels.ts';
import {
  getDelivery,
  giveUpDelivery,
  listDeliveries,
  openDelivery,
} from '../../db/notification-deliveries.ts';
import { noticeId, testNotice } from '../../inngest/notify/notice.ts';
import { createLogger } from '../../core/log.ts';
import {
  CHANNEL_SECRETS,
  CHANNEL_SETTINGS,
  Channel,
  ChannelCreate,
  ChannelPatch,
  Delivery,
  DeliveryList,
  DeliveryQuery,
  Notifications,
} from '../contract/notifications.ts';
import type { AppDeps, AppEnv } from '../deps.ts';
import type { HostPorts } from '../host.ts';
import { parseInput, readId, readJson, readQuery } from '../input.ts';
import { InvalidInputError } from '../../core/errors.ts';
import { route } from '../openapi/route-spec.ts';
import { reply } from '../reply.ts';

const BASE = '/api/campaigns/:id/notifications';

/** What each route takes and answers (GET /api/openapi.json). */
export const notificationApi = [
  route('get', BASE, 'Notification channels, recent deliveries and the events to choose from', {
    responses: { 200: Notifications },
  }),
  route('post', `${BASE}/channels`, 'Add a notification channel', {
    body: ChannelCreate,
    responses: { 201: Channel },
  }),
  route('patch', `${BASE}/channels/:channelId`, 'Change a channel (secrets are write-only)', {
    body: ChannelPatch,
    responses: { 200: Channel },
  }),
  route('delete', `${BASE}/channels/:channelId`, 'Remove a channel (its deliveries stay logged)', {
    responses: { 204: null },
  }),
  route('post', `${BASE}/channels/:channelId/test`, 'Send a test notification now (one attempt)', {
    responses: { 200: Delivery },
  }),
  route('get', `${BASE}/deliveries`, 'The delivery log, newest first', {
    query: DeliveryQuery,
    responses: { 200: DeliveryList },
  }),
];

/** /api/campaigns/:id/notifications…: a campaign's channels, their test button and their log. */
export function notificationRoutes(
  deps: Pick<AppDeps, 'sql' | 'log'>,
  attemptDelivery: HostPorts['attemptDelivery'],
): Hono<AppEnv> {
  const { sql } = deps;
  const log = deps.log ?? createLogger('warn');
  const app = new Hono<AppEnv>();
  const events = NOTICE_EVENTS.map((id) => ({ id, label: NOTICE_EVENT_LABELS[id] }));

  app.get('/', async (c) => {
    const id = readId(c);
    await getCampaign(sql, id);
    const [channels, deliveries] = await Promise.all([
      listChannels(sql, id),
      listDeliveries(sql, id, { limit: 20 }),
    ]);
    return reply(c, Notifications, { channels, deliveries, events, kinds: [...CHANNEL_KINDS] });
  });

  app.post('/channels', async (c) => {
    const id = readId(c);
    await getCampaign(sql, id);
    const body = await readJson(c, ChannelCreate);
    const channel = await createChannel(
      sql,
      id,
      { ...body, events: [...new Set(body.events)] },
      c.get('actor'),
    );
    return reply(c, Channel, channel, 201);
  });

  app.patch('/channels/:channelId', async (c) => {
    const id = readId(c);
    const channelId = readId(c, 'channelId');
    const body = await readJson(c, ChannelPatch);
    const current = await getChannel(sql, id, channelId);
    // Settings and secrets are checked against the channel's own kind.
    const settings = body.settings
      ? parseInput(CHANNEL_SETTINGS[current.kind], body.settings, 'body.settings')
      : undefined;
    const secrets = body.secrets ? secretsPatch(current.kind, body.secrets) : undefined;
    const channel = await updateChannel(
      sql,
      id,
      channelId,
      {
        ...(body.name !== undefined ? { name: body.name } : {}),
        ...(body.events ? { events: [...new Set(body.events)] } : {}),
        ...(body.enabled !== undefined ? { enabled: body.enabled } : {}),
        ...(settings ? { settings } : {}),
        ...(secrets ? { secrets } : {}),
      },
      c.get('actor'),
    );
    return reply(c, Channel, channel);
  });

  app.delete('/channels/:channelId', async (c) => {
    await deleteChannel(sql, readId(c), readId(c, 'channelId'), c.get('actor'));
    return c.body(null, 204);
  });

  app.post('/channels/:channelId/test', async (c) => {
    const id = readId(c);
    const channel = await getChannel(sql, id, readId(c, 'channelId'));
    const campaign = await getCampaign(sql, id);
    const nid = noticeId(['test', channel.id, randomUUID()]);
    const notice = testNotice(nid, { id, name: campaign.name }, channel.name, new Date());
    const d = await openDelivery(sql, {
      noticeId: nid,
      campaignId: id,
      channelId: channel.id,
      channelName: channel.name,
      channelKind: channel.kind,
      runId: null,
      event: 'test',
      title: notice.title,
    });
    // One attempt, answered at once: the person pressing the button wants the outcome now.
    await attemptDelivery({ sql, log }, { deliveryId: d.id, channelId: channel.id, notice }).catch(
      () => giveUpDelivery(sql, d.id),
    );
    return reply(c, Delivery, await getDelivery(sql, d.id));
  });

  app.get('/deliveries', async (c) => {
    const id = readId(c);
    const q = readQuery(c, DeliveryQuery);
    const rows = await listDeliveries(sql, id, {
      ...(q.channel ? { channelId: q.channel } : {}),
      ...(q.limit ? { limit: q.limit } : {}),
    });
    return reply(c, DeliveryList, { items: rows });
  });
  return app;
}

/**
 * A change of secrets: each value given is checked against the kind's secret fields; an empty
 * string removes an optional secret (a required one can only be replaced).
 */
function secretsPatch(kind: ChannelKind, given: Record<string, string>): Record<string, string> {
  const schema = CHANNEL_SECRETS[kind];
  const fields = schema.entries as Record<string, v.GenericSchema>;
  const values = Object.fromEntries(Object.entries(given).filter(([, s]) => s !== ''));
  const parsed = parseInput(v.partial(schema), values, 'body.secrets') as Record<string, string>;
  const refused = Object.keys(given)
    .filter((k) => given[k] === '' && fields[k]?.type !== 'optional')
    .map((k) => ({
      field: `body.secrets.${k}`,
      message: fields[k] ? 'is required: give a new value instead' : 'Unknown field.',
    }));
  if (refused.length) throw new InvalidInputError(refused);
  const removed = Object.keys(given).filter((k) => given[k] === '');
  return { ...Object.fromEntries(removed.map((k) => [k, ''])), ...parsed };
}
