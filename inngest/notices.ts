import * as v from 'valibot';
import { NOTICE_EVENTS, type NoticeEvent } from '../core/notify/types.ts';
import type { PipelineEvent } from './spec.ts';

/**
 * What the run lifecycle tells the notification function: a run ended or needs a person. The
 * lifecycle sends it as an event, so delivery happens in a durable function of its own
 * (stages/notify-run.ts) and never delays or fails the run.
 */
export const NOTICE_REQUESTED = 'notification/run.notice';

export const NoticeRequested = v.object({
  runId: v.pipe(v.string(), v.uuid()),
  event: v.picklist(NOTICE_EVENTS),
  /** Unique per notice of a run (`succeeded`, `sleep:<step>`): the event's idempotency key. */
  key: v.pipe(v.string(), v.minLength(1), v.maxLength(300)),
  /** What the run's viewers were told. */
  message: v.optional(v.pipe(v.string(), v.maxLength(2000))),
});
export type NoticeRequested = v.InferOutput<typeof NoticeRequested>;

/** Failure classes a person can act on by raising a budget (cost or turns). */
const BUDGET_CLASSES = new Set(['budget_exceeded', 'max_turns']);

/** The notice event of a run that ended with `failureClass`. */
export function noticeOfFailure(failureClass: string): NoticeEvent {
  if (failureClass === 'cancelled') return 'run.cancelled';
  return BUDGET_CLASSES.has(failureClass) ? 'run.budget' : 'run.failed';
}

/** The engine event for a notice (its id drops a second send of the same notice). */
export function noticeEvent(n: NoticeRequested): PipelineEvent<NoticeRequested> {
  return { name: NOTICE_REQUESTED, data: n, id: `notice:${n.runId}:${n.key}` };
}
