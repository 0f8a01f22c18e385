import { createTransport } from 'nodemailer';
import { NotifyError, type ChannelTarget, type Delivered, type Notice } from './types.ts';

type EmailTarget = Extract<ChannelTarget, { kind: 'email' }>;

/**
 * E-mail over SMTP (nodemailer), one connection per delivery. `tls` connects with TLS (465),
 * `starttls` refuses a server that cannot upgrade, `none` sends in the clear (a relay on this
 * host). A 5xx reply is permanent; 4xx replies and connection failures are retried.
 */
export async function sendEmail(
  target: EmailTarget,
  notice: Notice,
  signal?: AbortSignal,
): Promise<Delivered> {
  const transport = createTransport({
    host: target.host,
    port: target.port,
    secure: target.security === 'tls',
    requireTLS: target.security === 'starttls',
    ignoreTLS: target.security === 'none',
    ...(target.user ? { auth: { user: target.user, pass: target.password ?? '' } } : {}),
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  });
  const abort = () => transport.close();
  signal?.addEventListener('abort', abort, { once: true });
  try {
    const info = (await transport.sendMail({
      from: target.from,
      to: target.to,
      subject: notice.title,
      text: `${notice.text}\n\n— Scenario Generator, campaign “${notice.campaign.name}”`,
      headers: { 'X-Notice-Id': notice.id, 'X-Notice-Event': notice.event },
    })) as { response?: unknown };
    return typeof info.response === 'string' ? { response: info.response.slice(0, 300) } : {};
  } catch (e) {
    const code = (e as { responseCode?: unknown }).responseCode;
    const status = typeof code === 'number' ? code : undefined;
    const reason = e instanceof Error ? e.message : String(e);
    throw new NotifyError(`SMTP ${target.host}:${target.port}: ${reason}`, {
      retriable: status === undefined || status < 500,
      ...(status !== undefined ? { status } : {}),
      cause: e,
    });
  } finally {
    signal?.removeEventListener('abort', abort);
    transport.close();
  }
}
