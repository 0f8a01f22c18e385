import { sendDiscord, sendNtfy, sendSlack } from './chat.ts';
import { sendEmail } from './email.ts';
import {
  secretsOfTarget,
  NotifyError,
  type ChannelTarget,
  type Delivered,
  type Notice,
} from './types.ts';
import { sendWebhook } from './webhook.ts';
import { redactText } from '../secrets/redact.ts';

export * from './types.ts';
export { checkTargetUrl, isWebhookSecret, targetUrlProblem } from './url.ts';
export { newWebhookSecret } from './webhook.ts';

/**
 * Delivers one notice to one channel target. Throws a NotifyError whose message has the
 * target's secrets redacted, so it can be logged and stored as it is.
 */
export async function deliver(
  target: ChannelTarget,
  notice: Notice,
  signal?: AbortSignal,
): Promise<Delivered> {
  try {
    switch (target.kind) {
      case 'webhook':
        return await sendWebhook(target, notice, signal);
      case 'slack':
        return await sendSlack(target.url, notice, signal);
      case 'discord':
        return await sendDiscord(target.url, notice, signal);
      case 'ntfy':
        return await sendNtfy(target, notice, signal);
      case 'email':
        return await sendEmail(target, notice, signal);
    }
  } catch (e) {
    const secrets = secretsOfTarget(target);
    const err =
      e instanceof NotifyError
        ? e
        : new NotifyError(e instanceof Error ? e.message : String(e), { retriable: true });
    const message = redactText(err.message, secrets);
    throw new NotifyError(message, {
      retriable: err.retriable,
      ...(err.status !== undefined ? { status: err.status } : {}),
      ...(err.retryAfterMs !== undefined ? { retryAfterMs: err.retryAfterMs } : {}),
    });
  }
}
