import * as v from 'valibot';
import { CHANNEL_KINDS, NOTICE_EVENTS, SMTP_SECURITY } from '../../core/notify/types.ts';
import { isWebhookSecret, targetUrlProblem } from '../../core/notify/url.ts';
import { freeText, int, items, queryInt, requiredText, timestamp, uuid } from './common.ts';

/**
 * Notification channels of a campaign and their delivery log
 * (/api/campaigns/:id/notifications…). Secret fields (a webhook's signing key, an incoming
 * webhook's URL, an ntfy token, an SMTP password) are accepted on create and change, and never
 * answered: a channel says only which of them are set (`secretsSet`).
 */

/** An http(s) URL the server may send to: no credentials in it; loopback and LAN allowed. */
const targetUrl = v.pipe(
  freeText(2000, 1),
  v.rawCheck(({ dataset, addIssue }) => {
    const problem = dataset.typed ? targetUrlProblem(dataset.value) : undefined;
    if (problem) addIssue({ message: problem });
  }),
);
const ntfyTopicUrl = v.pipe(
  targetUrl,
  v.check(
    (s) => (URL.parse(s)?.pathname.split('/').filter(Boolean).length ?? 0) > 0,
    'must end in the topic, e.g. https://ntfy.example/alerts',
  ),
);
const secretText = (max: number) => freeText(max, 1);
const email = v.pipe(v.string('must be a string'), v.trim(), v.email('must be an e-mail address'));
const events = v.pipe(
  v.array(v.picklist(NOTICE_EVENTS, `must be events from ${NOTICE_EVENTS.join(', ')}`)),
  v.maxLength(NOTICE_EVENTS.length),
);

/** Each kind's settings (shown and editable) and secrets (write-only). */
export const CHANNEL_SETTINGS = {
  webhook: v.strictObject({ url: targetUrl }),
  slack: v.strictObject({}),
  discord: v.strictObject({}),
  ntfy: v.strictObject({ url: ntfyTopicUrl }),
  email: v.strictObject({
    host: v.pipe(requiredText(253), v.regex(/^[A-Za-z0-9.:[\]-]+$/, 'must be a host name')),
    port: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(65535)),
    security: v.picklist(SMTP_SECURITY, `must be one of ${SMTP_SECURITY.join(', ')}`),
    from: email,
    to: v.pipe(v.array(email), v.minLength(1, 'must name a recipient'), v.maxLength(20)),
    user: v.optional(freeText(200)),
  }),
} as const;

export const CHANNEL_SECRETS = {
  webhook: v.strictObject({
    secret: v.pipe(
      v.string(),
      v.check(isWebhookSecret, 'must be a whsec_ key (whsec_ + base64 of 24–64 bytes)'),
    ),
  }),
  slack: v.strictObject({ url: targetUrl }),
  discord: v.strictObject({ url: targetUrl }),
  ntfy: v.strictObject({ token: v.optional(secretText(500)) }),
  email: v.strictObject({ password: v.optional(secretText(500)) }),
} as const;

const base = {
  name: requiredText(200),
  events,
  enabled: v.optional(v.boolean('must be true or false')),
};
const create = <K extends keyof typeof CHANNEL_SETTINGS>(kind: K) =>
  v.strictObject({
    kind: v.literal(kind),
    ...base,
    settings: CHANNEL_SETTINGS[kind],
    secrets: CHANNEL_SECRETS[kind],
  });

/** POST /api/campaigns/:id/notifications/channels. */
export const ChannelCreate = v.variant('kind', [
  create('webhook'),
  create('slack'),
  create('discord'),
  create('ntfy'),
  create('email'),
]);
export type ChannelCreate = v.InferInput<typeof ChannelCreate>;

/**
 * PATCH …/channels/:channelId. `settings` replaces the settings (checked against the channel's
 * kind); a secret given replaces the stored one, an empty string removes an optional one.
 */
export const ChannelPatch = v.pipe(
  v.strictObject({
    name: v.optional(requiredText(200)),
    events: v.optional(events),
    enabled: v.optional(v.boolean('must be true or false')),
    settings: v.optional(v.record(v.string(), v.unknown())),
    secrets: v.optional(v.record(v.string(), freeText(2000))),
  }),
  v.check((o) => Object.keys(o).length > 0, 'must change at least one field'),
);
export type ChannelPatch = v.InferInput<typeof ChannelPatch>;

/** A channel as the API shows it: never its secrets, only their names. */
export const Channel = v.strictObject({
  id: uuid,
  campaignId: uuid,
  kind: v.picklist(CHANNEL_KINDS),
  name: v.string(),
  events: v.array(v.picklist(NOTICE_EVENTS)),
  enabled: v.boolean(),
  settings: v.record(v.string(), v.unknown()),
  secretsSet: v.array(v.string()),
  createdAt: timestamp,
  updatedAt: timestamp,
});
export type Channel = v.InferOutput<typeof Channel>;

export const DELIVERY_STATUSES = ['pending', 'retrying', 'delivered', 'failed'] as const;

/** One delivery: a notice to a channel, with its attempts and last error (secrets redacted). */
export const Delivery = v.strictObject({
  id: uuid,
  noticeId: v.string(),
  channelId: v.nullable(uuid),
  channelName: v.string(),
  channelKind: v.string(),
  runId: v.nullable(uuid),
  event: v.string(),
  title: v.string(),
  status: v.picklist(DELIVERY_STATUSES),
  attempts: int,
  responseStatus: v.nullable(int),
  lastError: v.nullable(v.string()),
  createdAt: timestamp,
  updatedAt: timestamp,
  deliveredAt: v.nullable(timestamp),
});
export type Delivery = v.InferOutput<typeof Delivery>;

export const DeliveryList = items(Delivery);
export type DeliveryList = v.InferOutput<typeof DeliveryList>;

/** GET …/notifications/deliveries?channel=&limit=. */
export const DeliveryQuery = v.strictObject({
  channel: v.optional(uuid),
  limit: v.optional(queryInt(1, 200)),
});

/** GET /api/campaigns/:id/notifications: the channels, recent deliveries, and what can be chosen. */
export const Notifications = v.strictObject({
  channels: v.array(Channel),
  deliveries: v.array(Delivery),
  events: v.array(v.strictObject({ id: v.picklist(NOTICE_EVENTS), label: v.string() })),
  kinds: v.array(v.picklist(CHANNEL_KINDS)),
});
export type Notifications = v.InferOutput<typeof Notifications>;
