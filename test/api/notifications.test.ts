import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as v from 'valibot';
import { Webhook } from 'standardwebhooks';
import { newWebhookSecret } from '../../core/notify/index.ts';
import { startHttpReceiver, type HttpReceiver } from '../../core/notify/testing/receivers.ts';
import { listAudit } from '../../db/audit.ts';
import {
  Channel,
  Delivery,
  DeliveryList,
  Notifications,
} from '../../functions/contract/notifications.ts';
import { createTestApp, type TestApp } from '../support/app.ts';

/**
 * The notification API: channels are added, changed and removed per campaign; secrets go in and
 * never come out (answers, log, audit); targets are checked; "send test" delivers to a loopback
 * receiver and lands in the delivery log.
 */
let t: TestApp;
let rx: HttpReceiver;
let base: string;
const SLACK_PATH = '/services/T000/B000/slack-secret-path';
beforeAll(async () => {
  t = await createTestApp();
  rx = await startHttpReceiver();
  const c = await t.call('POST', '/api/campaigns', { name: 'Notified' });
  base = `/api/campaigns/${c.json.id as string}/notifications`;
});
afterAll(async () => {
  await rx.close();
  await t.close();
});

describe('notification channels API', () => {
  it('adds channels of every kind; answers never carry a secret', async () => {
    const secret = newWebhookSecret();
    const bodies = [
      {
        kind: 'webhook',
        name: 'Hook',
        events: ['run.succeeded', 'run.failed'],
        settings: { url: `${rx.url}/hook` },
        secrets: { secret },
      },
      {
        kind: 'slack',
        name: 'Slack',
        events: ['run.failed'],
        settings: {},
        secrets: { url: `${rx.url}${SLACK_PATH}` },
      },
      {
        kind: 'discord',
        name: 'Discord',
        events: ['run.budget'],
        settings: {},
        secrets: { url: `${rx.url}/discord/1/tok` },
      },
      {
        kind: 'ntfy',
        name: 'Phone',
        events: ['run.sleeping'],
        settings: { url: `${rx.url}/alerts` },
        secrets: { token: 'tk_ntfy_secret' },
      },
      {
        kind: 'email',
        name: 'Mail',
        events: ['run.succeeded'],
        settings: {
          host: '127.0.0.1',
          port: 2525,
          security: 'none',
          from: 'gen@example.test',
          to: ['ops@example.test'],
          user: 'mailer',
        },
        secrets: { password: 'smtp-password-secret' },
      },
    ];
    for (const body of bodies) {
      const res = await t.call('POST', `${base}/channels`, body);
      expect(res.status, JSON.stringify(res.json)).toBe(201);
      v.parse(Channel, res.json);
      expect(res.json.secretsSet).toEqual(Object.keys(body.secrets));
    }
    const list = await t.call('GET', base);
    expect(list.status).toBe(200);
    const parsed = v.parse(Notifications, list.json);
    expect(parsed.channels.map((c) => c.kind)).toEqual([
      'webhook',
      'slack',
      'discord',
      'ntfy',
      'email',
    ]);
    expect(parsed.events.map((e) => e.id)).toContain('run.sleeping');
    const text = JSON.stringify(list.json);
    for (const s of [
      secret,
      'slack-secret-path',
      'discord/1/tok',
      'tk_ntfy_secret',
      'smtp-password-secret',
    ])
      expect(text).not.toContain(s);
    const audit = JSON.stringify(await listAudit(t.db.sql, {}));
    expect(audit).toContain('notification.channel.create');
    for (const s of [secret, 'slack-secret-path', 'tk_ntfy_secret', 'smtp-password-secret'])
      expect(audit).not.toContain(s);
  });

  it('refuses targets that are not http(s), carry credentials, or bad keys, naming the field', async () => {
    const cases: [unknown, string][] = [
      [
        {
          kind: 'slack',
          name: 'x',
          events: [],
          settings: {},
          secrets: { url: 'file:///etc/passwd' },
        },
        'body.secrets.url',
      ],
      [
        {
          kind: 'discord',
          name: 'x',
          events: [],
          settings: {},
          secrets: { url: 'gopher://127.0.0.1/' },
        },
        'body.secrets.url',
      ],
      [
        {
          kind: 'webhook',
          name: 'x',
          events: [],
          settings: { url: 'http://user:pw@127.0.0.1/' },
          secrets: { secret: newWebhookSecret() },
        },
        'body.settings.url',
      ],
      [
        {
          kind: 'webhook',
          name: 'x',
          events: [],
          settings: { url: `${rx.url}/h` },
          secrets: { secret: 'plain' },
        },
        'body.secrets.secret',
      ],
      [
        { kind: 'ntfy', name: 'x', events: [], settings: { url: rx.url }, secrets: {} },
        'body.settings.url',
      ],
      [
        {
          kind: 'slack',
          name: 'x',
          events: ['run.exploded'],
          settings: {},
          secrets: { url: `${rx.url}/s` },
        },
        'body.events.0',
      ],
    ];
    for (const [body, field] of cases) {
      const res = await t.call('POST', `${base}/channels`, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.json.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
  });

  it('changes events and secrets by kind; a required secret cannot be removed', async () => {
    const { channels } = v.parse(Notifications, (await t.call('GET', base)).json);
    const ntfy = channels.find((c) => c.kind === 'ntfy')!;
    const slack = channels.find((c) => c.kind === 'slack')!;
    const changed = await t.call('PATCH', `${base}/channels/${ntfy.id}`, {
      events: ['run.sleeping', 'run.failed'],
      secrets: { token: '' },
    });
    expect(changed.status).toBe(200);
    expect(changed.json).toMatchObject({ events: ['run.sleeping', 'run.failed'], secretsSet: [] });
    const refused = await t.call('PATCH', `${base}/channels/${slack.id}`, { secrets: { url: '' } });
    expect(refused.status).toBe(400);
    const wrongKind = await t.call('PATCH', `${base}/channels/${ntfy.id}`, {
      settings: { host: 'x' },
    });
    expect(wrongKind.status).toBe(400);
    // Another campaign's path does not reach this channel.
    const other = await t.call('POST', '/api/campaigns', { name: 'Other' });
    const cross = await t.call(
      'PATCH',
      `/api/campaigns/${other.json.id as string}/notifications/channels/${ntfy.id}`,
      { name: 'x' },
    );
    expect(cross.status).toBe(404);
  });

  it('"send test" delivers at once to a loopback receiver and logs it; a failure is logged redacted', async () => {
    const { channels } = v.parse(Notifications, (await t.call('GET', base)).json);
    const hook = channels.find((c) => c.kind === 'webhook')!;
    const slack = channels.find((c) => c.kind === 'slack')!;
    const ok = await t.call('POST', `${base}/channels/${hook.id}/test`);
    expect(ok.status).toBe(200);
    expect(v.parse(Delivery, ok.json)).toMatchObject({
      status: 'delivered',
      attempts: 1,
      event: 'test',
      responseStatus: 200,
    });
    expect(rx.hits.at(-1)!.headers['webhook-id']).toBe(ok.json.noticeId);
    expect(() =>
      new Webhook(newWebhookSecret()).verify(
        rx.hits.at(-1)!.body,
        rx.hits.at(-1)!.headers as Record<string, string>,
      ),
    ).toThrow();

    rx.status = 500;
    const bad = await t.call('POST', `${base}/channels/${slack.id}/test`);
    rx.status = 200;
    expect(bad.json).toMatchObject({ status: 'failed', attempts: 1, responseStatus: 500 });
    expect(bad.json.lastError).toMatch(/answered 500/);
    expect(JSON.stringify(bad.json)).not.toContain('slack-secret-path');

    const log = v.parse(
      DeliveryList,
      (await t.call('GET', `${base}/deliveries?channel=${slack.id}`)).json,
    );
    expect(log.items.map((d) => d.status)).toEqual(['failed']);
  });

  it('removes a channel; its deliveries stay in the log', async () => {
    const { channels } = v.parse(Notifications, (await t.call('GET', base)).json);
    const hook = channels.find((c) => c.kind === 'webhook')!;
    expect((await t.call('DELETE', `${base}/channels/${hook.id}`)).status).toBe(204);
    expect((await t.call('DELETE', `${base}/channels/${hook.id}`)).status).toBe(404);
    const { deliveries } = v.parse(Notifications, (await t.call('GET', base)).json);
    expect(deliveries.find((d) => d.channelName === 'Hook')).toMatchObject({
      channelId: null,
      status: 'delivered',
    });
  });
});
