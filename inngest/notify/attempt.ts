import { deliver, NotifyError, type Notice } from '../../core/notify/index.ts';
import type { Logger } from '../../core/log.ts';
import type { Db } from '../../db/client.ts';
import { channelTarget } from '../../db/notification-channels.ts';
import { recordAttempt } from '../../db/notification-deliveries.ts';
import { NonRetriableError, RetryAfterError } from '../errors.ts';

/**
 * One delivery attempt of an open delivery, recorded in the log whatever happens. Throws so the
 * engine retries (a RetryAfterError when the receiver asked for a wait), or a NonRetriableError
 * when trying again cannot help. The channel's secrets are read here, inside the step, and never
 * become part of a step's saved result.
 */
export async function attemptDelivery(
  o: { sql: Db; log: Logger; signal?: AbortSignal },
  d: { deliveryId: string; channelId: string; notice: Notice },
): Promise<{ status: number | null }> {
  const target = await channelTarget(o.sql, d.channelId);
  if (!target) {
    await recordAttempt(o.sql, d.deliveryId, {
      ok: false,
      error: 'the channel was removed',
      final: true,
    });
    throw new NonRetriableError('the channel was removed');
  }
  try {
    const res = await deliver(target, d.notice, o.signal);
    await recordAttempt(o.sql, d.deliveryId, {
      ok: true,
      ...(res.status ? { status: res.status } : {}),
    });
    return { status: res.status ?? null };
  } catch (e) {
    const err =
      e instanceof NotifyError ? e : new NotifyError(String(e), { retriable: true, cause: e });
    await recordAttempt(o.sql, d.deliveryId, {
      ok: false,
      error: err.message,
      final: !err.retriable,
      ...(err.status !== undefined ? { status: err.status } : {}),
    });
    o.log.warn(`notification ${d.notice.id} (${target.kind}) not delivered: ${err.message}`);
    if (!err.retriable) throw new NonRetriableError(err.message);
    if (err.retryAfterMs !== undefined) throw new RetryAfterError(err.message, err.retryAfterMs);
    throw new Error(err.message);
  }
}
