import { post } from './http.ts';
import type { Delivered, Notice } from './types.ts';

/**
 * Slack and Discord incoming webhooks, and ntfy topics: each gets the notice as the short text
 * its clients show (Slack's and Discord's message limits, ntfy's title and tags).
 */

const EMOJI: Record<Notice['event'], string> = {
  'run.succeeded': '✅',
  'run.failed': '❌',
  'run.budget': '💸',
  'run.sleeping': '⏸️',
  'run.cancelled': '⏹️',
  'suggestion.pending': '📝',
  test: '🔔',
};

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** Slack: `{ text }` with mrkdwn bold title (Slack escapes &, <, > itself only when told to). */
export function sendSlack(url: string, notice: Notice, signal?: AbortSignal): Promise<Delivered> {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const text = `${EMOJI[notice.event]} *${esc(notice.title)}*\n${esc(clip(notice.text, 3000))}`;
  return post(url, JSON.stringify({ text }), { 'content-type': 'application/json' }, signal);
}

/** Discord: `{ content }` (at most 2000 characters), mentions disabled. */
export function sendDiscord(url: string, notice: Notice, signal?: AbortSignal): Promise<Delivered> {
  const content = clip(`${EMOJI[notice.event]} **${notice.title}**\n${notice.text}`, 2000);
  const body = JSON.stringify({
    content,
    username: 'Scenario Generator',
    allowed_mentions: { parse: [] },
  });
  return post(url, body, { 'content-type': 'application/json' }, signal);
}

/**
 * ntfy: the topic URL (`https://ntfy.example/alerts`) is split into server and topic and the
 * notice published as JSON to the server's root — JSON carries any Unicode title, which HTTP
 * headers cannot. An access token goes in `Authorization: Bearer`.
 */
export function sendNtfy(
  target: { url: string; token?: string },
  notice: Notice,
  signal?: AbortSignal,
): Promise<Delivered> {
  const url = new URL(target.url);
  const parts = url.pathname.split('/').filter(Boolean);
  const topic = parts.pop() ?? '';
  url.pathname = `/${parts.map((p) => `${p}/`).join('')}`;
  url.search = '';
  const body = JSON.stringify({
    topic: decodeURIComponent(topic),
    title: notice.title,
    message: clip(notice.text, 4000),
    tags: [notice.event.replace('.', '-')],
    priority: notice.event === 'run.succeeded' || notice.event === 'test' ? 3 : 4,
  });
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (target.token) headers.authorization = `Bearer ${target.token}`;
  return post(url.toString(), body, headers, signal);
}
