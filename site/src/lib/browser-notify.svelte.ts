import { api } from './api.ts';
import { BROWSER_NOTIFY_KEY as KEY } from './browser-notify-key.ts';
import { campaignStream, type LiveStream } from './live.svelte.ts';
import type { LiveEvent, Scenario } from './types.ts';

/**
 * Browser notifications from the live stream (the Notification API). Which campaigns and events
 * notify is chosen per browser (kept in localStorage), and permission is asked for only when
 * the user turns them on. While any campaign has them on and permission is granted, one stream
 * of every campaign the user sees is open; a run's status event then shows a notification.
 */
export const BROWSER_EVENTS = [
  { id: 'run.succeeded', label: 'A run deployed', status: 'deployed' },
  { id: 'run.failed', label: 'A run failed (out of budget included)', status: 'failed' },
  { id: 'run.sleeping', label: 'A run is sleeping on a usage limit', status: 'sleeping' },
  { id: 'run.cancelled', label: 'A run was cancelled', status: 'cancelled' },
] as const;
export type BrowserEvent = (typeof BROWSER_EVENTS)[number]['id'];
export type Permission = NotificationPermission | 'unsupported';

const HEADLINE: Record<BrowserEvent, string> = {
  'run.succeeded': 'deployed',
  'run.failed': 'failed',
  'run.sleeping': 'is sleeping on a usage limit',
  'run.cancelled': 'was cancelled',
};

function load(): Record<string, BrowserEvent[]> {
  try {
    const raw: unknown = JSON.parse(localStorage.getItem(KEY) ?? '{}');
    return raw && typeof raw === 'object' ? (raw as Record<string, BrowserEvent[]>) : {};
  } catch {
    return {};
  }
}

const permissionNow = (): Permission =>
  typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;

class BrowserNotifications {
  choices = $state<Record<string, BrowserEvent[]>>(load());
  permission = $state<Permission>(permissionNow());
  /** Notifications shown this page load (for diagnostics and tests). */
  shown = $state(0);
  #stream: LiveStream | null = null;
  #seen = new Set<string>();
  #titles = new Map<string, string>();

  /** The events this browser shows for a campaign. */
  eventsFor(campaignId: string): BrowserEvent[] {
    return this.choices[campaignId] ?? [];
  }

  /**
   * Sets a campaign's events; asks for permission first when turning any on (call it from a
   * click: browsers ignore permission requests made without one).
   */
  async choose(campaignId: string, events: BrowserEvent[]): Promise<void> {
    if (events.length && this.permission === 'default')
      this.permission = await Notification.requestPermission();
    this.choices = { ...this.choices, [campaignId]: events };
    localStorage.setItem(KEY, JSON.stringify(this.choices));
    this.sync();
  }

  /** Opens or closes the stream to match the choices and the permission. */
  sync(): void {
    this.permission = permissionNow();
    const wanted =
      this.permission === 'granted' && Object.values(this.choices).some((l) => l.length > 0);
    if (wanted && !this.#stream)
      this.#stream = campaignStream(null, { event: (ev) => void this.#onEvent(ev) });
    if (!wanted && this.#stream) {
      this.#stream.close();
      this.#stream = null;
    }
  }

  async #onEvent(ev: LiveEvent): Promise<void> {
    if (ev.type !== 'status' || !ev.status) return;
    const kind = BROWSER_EVENTS.find((e) => e.status === ev.status)?.id;
    if (!kind || !this.eventsFor(ev.campaignId).includes(kind)) return;
    const key = `${ev.scenarioId}:${ev.seq}`;
    if (this.#seen.has(key)) return;
    this.#seen.add(key);
    const title = await this.#title(ev.scenarioId);
    const n = new Notification(`“${title}” ${HEADLINE[kind]}`, {
      body: ev.message,
      tag: `${ev.runId ?? ev.scenarioId}:${ev.status}`,
    });
    n.onclick = () => {
      window.focus();
      location.assign(`/scenarios/${ev.scenarioId}`);
    };
    this.shown++;
  }

  async #title(scenarioId: string): Promise<string> {
    const known = this.#titles.get(scenarioId);
    if (known) return known;
    const title = await api<Scenario>(`/api/scenarios/${scenarioId}`)
      .then((s) => s.title)
      .catch(() => 'A scenario');
    this.#titles.set(scenarioId, title);
    return title;
  }
}

/** The browser's notification choices and the stream behind them. */
export const browserNotify = new BrowserNotifications();
