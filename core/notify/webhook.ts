import { Webhook } from 'standardwebhooks';
import { post } from './http.ts';
import { NotifyError, type Delivered, type Notice } from './types.ts';

/**
 * The generic webhook, signed per the Standard Webhooks specification: headers `webhook-id`
 * (the notice id, kept across retries so a receiver can drop duplicates), `webhook-timestamp`
 * (seconds) and `webhook-signature` (`v1,` HMAC-SHA256 of `id.timestamp.body` with the
 * `whsec_` secret). The body is `{ type, timestamp, data }`.
 */
export async function sendWebhook(
  target: { url: string; secret: string },
  notice: Notice,
  signal?: AbortSignal,
): Promise<Delivered> {
  const now = new Date();
  const body = JSON.stringify({ type: notice.event, timestamp: notice.at, data: notice });
  let signature: string;
  try {
    signature = new Webhook(target.secret).sign(notice.id, now, body);
  } catch (e) {
    throw new NotifyError('the signing secret is not a valid whsec_ key', {
      retriable: false,
      cause: e,
    });
  }
  return post(
    target.url,
    body,
    {
      'content-type': 'application/json',
      'webhook-id': notice.id,
      'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
      'webhook-signature': signature,
    },
    signal,
  );
}

/** A new signing secret in the specification's format (`whsec_` + base64 of 24 random bytes). */
export function newWebhookSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  return `whsec_${Buffer.from(bytes).toString('base64')}`;
}
