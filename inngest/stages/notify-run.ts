import type { Notice } from '../../core/notify/types.ts';
import { subscribedChannels } from '../../db/notification-channels.ts';
import { giveUpDelivery, openDelivery, runNoticeFacts } from '../../db/notification-deliveries.ts';
import { NOTICE_REQUESTED, NoticeRequested } from '../notices.ts';
import { attemptDelivery } from '../notify/attempt.ts';
import { noticeId, runNotice } from '../notify/notice.ts';
import type { PipelineDeps } from '../stage-kit/deps.ts';
import type { FunctionSpec } from '../spec.ts';

/** Attempts per channel after the first (the engine's back-off: 1 s, 2 s, 4 s … under the local executor). */
export const NOTIFY_RETRIES = 6;

interface Planned {
  deliveryId: string;
  channelId: string;
  notice: Notice;
}

/**
 * notify-run: tells a run's campaign channels that the run ended or needs a person. The
 * deliveries are opened (logged as pending) in one memoised step, then each channel is tried in
 * a step of its own, retried with back-off by the engine — so a delivery in back-off when the
 * server stops is tried again after it starts. A channel whose retries are spent is logged as
 * failed; the others still get theirs.
 */
export function createNotifyRun(
  deps: Pick<PipelineDeps, 'sql' | 'log'>,
): FunctionSpec<NoticeRequested, { delivered: number; failed: number }> {
  return {
    id: 'notify-run',
    name: 'Notify a campaign about a run',
    trigger: { event: NOTICE_REQUESTED },
    schema: NoticeRequested,
    retries: NOTIFY_RETRIES,
    async handler({ event, step, signal }) {
      const { runId, key, message } = event.data;
      const planned = await step.run('open-deliveries', async (): Promise<Planned[]> => {
        const facts = await runNoticeFacts(deps.sql, runId);
        if (!facts) return [];
        const channels = await subscribedChannels(deps.sql, facts.campaignId, event.data.event);
        const at = new Date();
        const out: Planned[] = [];
        for (const ch of channels) {
          const id = noticeId([runId, key, ch.id]);
          const notice = runNotice(id, event.data.event, runId, facts, message, at);
          const d = await openDelivery(deps.sql, {
            noticeId: id,
            campaignId: facts.campaignId,
            channelId: ch.id,
            channelName: ch.name,
            channelKind: ch.kind,
            runId,
            event: event.data.event,
            title: notice.title,
          });
          out.push({ deliveryId: d.id, channelId: ch.id, notice });
        }
        return out;
      });
      let delivered = 0;
      for (const p of planned) {
        try {
          await step.run(`deliver-${p.channelId}`, () =>
            attemptDelivery({ sql: deps.sql, log: deps.log, signal }, p),
          );
          delivered++;
        } catch {
          await step.run(`give-up-${p.channelId}`, () => giveUpDelivery(deps.sql, p.deliveryId));
        }
      }
      return { delivered, failed: planned.length - delivered };
    },
  };
}
