/**
 * Notifications: what a campaign's channels are told when a run needs attention, and where they
 * are sent. The channel adapters beside this file deliver one notice to one target; retries,
 * durability and the delivery log belong to the pipeline (inngest/stages/notify-run.ts).
 */

/** The events a channel may subscribe to. */
export const NOTICE_EVENTS = [
  'run.succeeded',
  'run.failed',
  'run.budget',
  'run.sleeping',
  'run.cancelled',
  'suggestion.pending',
] as const;
export type NoticeEvent = (typeof NOTICE_EVENTS)[number];

/** What each event means, as the dashboard lists it. */
export const NOTICE_EVENT_LABELS: Record<NoticeEvent, string> = {
  'run.succeeded': 'A run deployed',
  'run.failed': 'A run failed',
  'run.budget': 'A run exhausted its budget',
  'run.sleeping': 'A run is sleeping on a usage limit',
  'run.cancelled': 'A run was cancelled',
  'suggestion.pending': 'A prompt change this campaign’s runs led to waits for approval',
};

/** The channel kinds the server delivers to (browser notifications come from the live stream). */
export const CHANNEL_KINDS = ['webhook', 'slack', 'discord', 'ntfy', 'email'] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

/** One notice, as every channel renders it. */
export interface Notice {
  /** Unique per notice and channel: the Standard Webhooks `webhook-id` (a retry keeps it). */
  id: string;
  /** `test` for the dashboard's "send test". */
  event: NoticeEvent | 'test';
  title: string;
  text: string;
  /** ISO time the notice was made. */
  at: string;
  campaign: { id: string; name: string };
  scenario?: { id: string; title: string; path: string };
  run?: {
    id: string;
    number: number;
    status: string;
    failureClass?: string;
    wakeAt?: string;
  };
}

/** How mail leaves: implicit TLS (465), STARTTLS required, or plain (a relay on this host). */
export const SMTP_SECURITY = ['tls', 'starttls', 'none'] as const;
export type SmtpSecurity = (typeof SMTP_SECURITY)[number];

/** A channel's target with its secrets, as only the delivering step ever holds it. */
export type ChannelTarget =
  | { kind: 'webhook'; url: string; secret: string }
  | { kind: 'slack'; url: string }
  | { kind: 'discord'; url: string }
  | { kind: 'ntfy'; url: string; token?: string }
  | {
      kind: 'email';
      host: string;
      port: number;
      security: SmtpSecurity;
      from: string;
      to: string[];
      user?: string;
      password?: string;
    };

/** What a delivery answered: the HTTP status, or the SMTP server's reply. */
export interface Delivered {
  status?: number;
  response?: string;
}

/**
 * A delivery that did not go through. `retriable` is false when trying again cannot help (a
 * refused URL, 4xx other than 408/429, a permanent SMTP reply); `retryAfterMs` when the
 * receiver said how long to wait.
 */
export class NotifyError extends Error {
  override name = 'NotifyError';
  readonly retriable: boolean;
  readonly status?: number;
  readonly retryAfterMs?: number;
  constructor(
    message: string,
    o: { retriable: boolean; status?: number; retryAfterMs?: number; cause?: unknown },
  ) {
    super(message, o.cause === undefined ? undefined : { cause: o.cause });
    this.retriable = o.retriable;
    if (o.status !== undefined) this.status = o.status;
    if (o.retryAfterMs !== undefined) this.retryAfterMs = o.retryAfterMs;
  }
}

/** The secret values of a target (for redaction of whatever a delivery reports). */
export function secretsOfTarget(t: ChannelTarget): string[] {
  switch (t.kind) {
    case 'webhook':
      return [t.secret];
    case 'slack':
    case 'discord':
      // The URL's path is the credential of an incoming webhook.
      return [t.url, URL.parse(t.url)?.pathname ?? ''];
    case 'ntfy':
      return t.token ? [t.token] : [];
    case 'email':
      return t.password ? [t.password] : [];
  }
}
