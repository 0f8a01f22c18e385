import { createHash } from 'node:crypto';
import type { Notice, NoticeEvent } from '../../core/notify/types.ts';
import type { RunNoticeFacts } from '../../db/notification-deliveries.ts';

/**
 * The text of a notice, from the run's facts: the same words for every channel (each renders
 * them its own way). Ids are derived, never random, so a replayed step builds the same notice.
 */
const HEADLINE: Record<NoticeEvent, string> = {
  'run.succeeded': 'deployed',
  'run.failed': 'failed',
  'run.budget': 'ran out of budget',
  'run.sleeping': 'is sleeping on a usage limit',
  'run.cancelled': 'was cancelled',
  'suggestion.pending': 'met a recurring problem; a prompt change waits for approval',
};

/** The Standard Webhooks message id of a notice on one channel. */
export function noticeId(parts: string[]): string {
  return `msg_${createHash('sha256').update(parts.join('\n')).digest('hex').slice(0, 32)}`;
}

/** Builds the notice of a run event. */
export function runNotice(
  id: string,
  event: NoticeEvent,
  runId: string,
  f: RunNoticeFacts,
  message: string | undefined,
  at: Date,
): Notice {
  const title = `“${f.scenarioTitle}” ${HEADLINE[event]} (run ${f.runNumber})`;
  const lines = [message ?? ''];
  if (event === 'run.sleeping' && f.wakeAt) lines.push(`Resumes at ${f.wakeAt.toISOString()}.`);
  if (event === 'run.budget')
    lines.push('Raise the session budget (Settings) and retry the run to continue.');
  if (event === 'run.failed' && f.failureClass) lines.push(`Failure class: ${f.failureClass}.`);
  if (event === 'suggestion.pending')
    lines.push(
      'An administrator can approve or reject it on the Prompts page (/analytics/prompts).',
    );
  lines.push(`Campaign: ${f.campaignName}. Cost so far: $${f.costUsd.toFixed(2)}.`);
  return {
    id,
    event,
    title,
    text: lines.filter(Boolean).join('\n'),
    at: at.toISOString(),
    campaign: { id: f.campaignId, name: f.campaignName },
    scenario: { id: f.scenarioId, title: f.scenarioTitle, path: `/scenarios/${f.scenarioId}` },
    run: {
      id: runId,
      number: f.runNumber,
      status: f.status,
      ...(f.failureClass ? { failureClass: f.failureClass } : {}),
      ...(f.wakeAt ? { wakeAt: f.wakeAt.toISOString() } : {}),
    },
  };
}

/** The notice "send test" sends. */
export function testNotice(
  id: string,
  campaign: { id: string; name: string },
  channelName: string,
  at: Date,
): Notice {
  return {
    id,
    event: 'test',
    title: `Test notification for “${channelName}”`,
    text: `This channel of campaign “${campaign.name}” works.`,
    at: at.toISOString(),
    campaign,
  };
}
