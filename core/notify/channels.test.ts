import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { deliver, NotifyError, newWebhookSecret, isWebhookSecret, type Notice } from './index.ts';
import {
  startHttpReceiver,
  startSmtpReceiver,
  type HttpReceiver,
  type SmtpReceiver,
} from './testing/receivers.ts';

const notice: Notice = {
  id: 'msg_0001',
  event: 'run.succeeded',
  title: 'Run 2 of “Todo app” deployed',
  text: 'Deployed to the archive after 2 iterations.',
  at: '2026-12-01T10:00:00.000Z',
  campaign: { id: '7a1f6f38-1f0c-4d5b-9d1e-8f1d2a3b4c5d', name: 'Internal tools' },
  scenario: { id: '5b2e', title: 'Todo app', path: '/scenarios/5b2e' },
  run: { id: 'r1', number: 2, status: 'succeeded' },
};

let http: HttpReceiver;
let smtp: SmtpReceiver;
beforeAll(async () => {
  http = await startHttpReceiver();
  smtp = await startSmtpReceiver({ user: 'mailer', password: 'smtp-pass-123' });
});
afterAll(async () => {
  await http.close();
  await smtp.close();
});
const last = () => http.hits.at(-1)!;

describe('channels deliver to local receivers', () => {
  it('webhook: signed per Standard Webhooks, verified by the library', async () => {
    const secret = newWebhookSecret();
    expect(isWebhookSecret(secret)).toBe(true);
    const out = await deliver({ kind: 'webhook', url: `${http.url}/hook`, secret }, notice);
    expect(out.status).toBe(200);
    const hit = last();
    expect(hit.path).toBe('/hook');
    expect(hit.headers['webhook-id']).toBe('msg_0001');
    const payload = new Webhook(secret).verify(hit.body, hit.headers as Record<string, string>);
    expect(payload).toMatchObject({ type: 'run.succeeded', data: { title: notice.title } });
    // Another key does not verify it.
    expect(() =>
      new Webhook(newWebhookSecret()).verify(hit.body, hit.headers as Record<string, string>),
    ).toThrow();
  });

  it('slack: { text } with the title in bold', async () => {
    await deliver({ kind: 'slack', url: `${http.url}/services/T0/B0/xyz` }, notice);
    const body = JSON.parse(last().body) as { text: string };
    expect(body.text).toContain('*Run 2 of “Todo app” deployed*');
    expect(last().headers['content-type']).toBe('application/json');
  });

  it('discord: { content } with mentions off', async () => {
    await deliver({ kind: 'discord', url: `${http.url}/api/webhooks/1/tok` }, notice);
    expect(JSON.parse(last().body)).toMatchObject({
      content: expect.stringContaining('**Run 2 of “Todo app” deployed**'),
      allowed_mentions: { parse: [] },
    });
  });

  it('ntfy: JSON published to the server root with the topic, bearer token', async () => {
    await deliver({ kind: 'ntfy', url: `${http.url}/alerts`, token: 'tk_secret_1' }, notice);
    expect(last().path).toBe('/');
    expect(last().headers.authorization).toBe('Bearer tk_secret_1');
    expect(JSON.parse(last().body)).toMatchObject({ topic: 'alerts', title: notice.title });
  });

  it('email: over SMTP with AUTH, subject and body', async () => {
    await deliver(
      {
        kind: 'email',
        host: '127.0.0.1',
        port: smtp.port,
        security: 'none',
        from: 'gen@example.test',
        to: ['ops@example.test'],
        user: 'mailer',
        password: 'smtp-pass-123',
      },
      notice,
    );
    const mail = smtp.mails.at(-1)!;
    expect(mail).toMatchObject({
      from: 'gen@example.test',
      to: ['ops@example.test'],
      user: 'mailer',
    });
    expect(mail.raw).toMatch(/X-Notice-Id: msg_0001/i);
    expect(mail.raw).toContain('Deployed to the archive');
  });
});

describe('failures', () => {
  it('5xx is retriable, 4xx is not, and messages never carry the URL path', async () => {
    http.status = 503;
    const url = `${http.url}/services/T0/B0/very-secret-path`;
    const e = await deliver({ kind: 'slack', url }, notice).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(NotifyError);
    expect(e).toMatchObject({ retriable: true, status: 503 });
    expect((e as Error).message).not.toContain('very-secret-path');
    http.status = 404;
    expect(await deliver({ kind: 'slack', url }, notice).catch((x: unknown) => x)).toMatchObject({
      retriable: false,
      status: 404,
    });
    http.status = 200;
  });

  it('refuses other schemes and URLs with credentials, not retriable', async () => {
    for (const url of ['file:///etc/passwd', 'ftp://127.0.0.1/x', 'http://u:p@127.0.0.1/'])
      expect(
        await deliver({ kind: 'discord', url }, notice).catch((x: unknown) => x),
      ).toMatchObject({ retriable: false });
  });

  it('a closed port is retriable; a wrong SMTP password is not, and is redacted', async () => {
    const closed = await startHttpReceiver();
    await closed.close();
    expect(
      await deliver({ kind: 'slack', url: `${closed.url}/x` }, notice).catch((x: unknown) => x),
    ).toMatchObject({ retriable: true });
    const e = await deliver(
      {
        kind: 'email',
        host: '127.0.0.1',
        port: smtp.port,
        security: 'none',
        from: 'a@example.test',
        to: ['b@example.test'],
        user: 'mailer',
        password: 'wrong-password-9',
      },
      notice,
    ).catch((x: unknown) => x);
    expect(e).toMatchObject({ retriable: false });
    expect((e as Error).message).not.toContain('wrong-password-9');
  });
});
