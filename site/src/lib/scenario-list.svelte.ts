import { SvelteSet } from 'svelte/reactivity';
import { api, messageOf } from './api.ts';
import { applyEvent, applySnapshot } from './live-apply.ts';
import { STATUS_FILTERS, type DashboardPrefs } from './prefs.svelte.ts';
import type { LiveEvent, Scenario, ScenarioPage, SnapshotData } from './types.ts';

/**
 * The dashboard's scenario cards: the current page of the list for the chosen campaign, filters
 * and sort, the selection for batch actions, and live events applied to the cards they concern.
 */
export const PAGE_SIZE = 200;
/** Most cards redrawn in one animation frame; more wait for the next (each shows its latest). */
const CARDS_PER_FRAME = 25;
/** The columns live events change, copied from a card's shadow to the card. */
const LIVE_FIELDS = [
  'status',
  'phase',
  'iteration',
  'progress',
  'lastAction',
  'costUsd',
  'eventSeq',
  'startedAt',
  'finishedAt',
  'deployedAt',
  'error',
  'currentRunId',
] as const;

class ScenarioList {
  items = $state<Scenario[]>([]);
  total = $state(0);
  loading = $state(false);
  loaded = $state(false);
  error = $state('');
  selected = new SvelteSet<string>();
  #byId = new Map<string, Scenario>();
  /**
   * Plain copies of the cards that live events are applied to at once, in order; the reactive
   * cards follow at most CARDS_PER_FRAME a frame. A busy campaign (hundreds of cards, each
   * updated several times a second) then costs the page a bounded amount of work per frame.
   */
  #shadow = new Map<string, Scenario>();
  #dirty = new Set<string>();
  #pumping = false;
  #query: Record<string, string | number | undefined> = {};
  #generation = 0;
  #refreshTimer: ReturnType<typeof setTimeout> | null = null;

  /** Loads the first page for these prefs (drops the selection of cards no longer shown). */
  async load(p: DashboardPrefs): Promise<void> {
    this.#query = {
      campaign: p.campaign === 'all' ? undefined : p.campaign,
      status: STATUS_FILTERS[p.status].statuses || undefined,
      q: p.q.trim() || undefined,
      sort: p.sort,
      archived: p.archived ? 'true' : 'false',
    };
    await this.#fetch(0, false);
  }

  /** Loads the next page and appends it. */
  async more(): Promise<void> {
    await this.#fetch(this.items.length, true);
  }

  /** Reloads what is shown (same filters, same number of cards). */
  async refresh(): Promise<void> {
    await this.#fetch(0, false, Math.max(PAGE_SIZE, this.items.length));
  }

  async #fetch(offset: number, append: boolean, limit = PAGE_SIZE): Promise<void> {
    const generation = ++this.#generation;
    this.loading = true;
    try {
      const all: Scenario[] = [];
      let total = 0;
      // The API pages at most 200; a refresh of more cards takes several pages.
      for (let got = 0; got < limit;) {
        const page = await api<ScenarioPage>('/api/scenarios', {
          query: { ...this.#query, limit: Math.min(PAGE_SIZE, limit - got), offset: offset + got },
        });
        all.push(...page.items);
        total = page.total;
        got += page.items.length;
        if (page.items.length === 0 || offset + got >= total) break;
      }
      if (generation !== this.#generation) return;
      this.items = append ? [...this.items, ...all] : all;
      this.total = total;
      this.error = '';
      this.#byId = new Map(this.items.map((s) => [s.id, s]));
      if (!append) {
        this.#shadow.clear();
        this.#dirty.clear();
      }
      for (const s of all) this.#shadow.set(s.id, { ...s });
      for (const id of this.selected) if (!this.#byId.has(id)) this.selected.delete(id);
    } catch (e) {
      if (generation === this.#generation) this.error = messageOf(e);
    } finally {
      if (generation === this.#generation) {
        this.loading = false;
        this.loaded = true;
      }
    }
  }

  /** Applies a live event to its card; an event for a card not shown asks for a refresh soon. */
  apply(ev: LiveEvent): void {
    if (!ev.scenarioId) return;
    const shadow = this.#shadow.get(ev.scenarioId);
    if (shadow) {
      if (applyEvent(shadow, ev)) this.#touch(ev.scenarioId);
    } else if (ev.type === 'status') this.refreshSoon();
  }

  /** Applies a campaign snapshot (sent on connect and after a gap too old to replay). */
  applySnapshot(data: SnapshotData): void {
    for (const snap of data.scenarios ?? []) {
      const shadow = this.#shadow.get(snap.id);
      if (shadow && applySnapshot(shadow, snap)) this.#touch(snap.id);
    }
  }

  #touch(id: string): void {
    // Re-inserting moves the card to the back: the longest-waiting cards are drawn first.
    this.#dirty.delete(id);
    this.#dirty.add(id);
    if (!this.#pumping) {
      this.#pumping = true;
      requestAnimationFrame(() => this.#pump());
    }
  }

  #pump(): void {
    let n = 0;
    for (const id of this.#dirty) {
      if (n++ >= CARDS_PER_FRAME) break;
      this.#dirty.delete(id);
      // The map holds the reactive proxies (read back from `items`), so the copy reaches the card.
      const card = this.#byId.get(id);
      const shadow = this.#shadow.get(id);
      if (!card || !shadow) continue;
      const target = card as unknown as Record<string, unknown>;
      for (const k of LIVE_FIELDS) target[k] = shadow[k];
    }
    if (this.#dirty.size) requestAnimationFrame(() => this.#pump());
    else this.#pumping = false;
  }

  /** A refresh within two seconds, however many events ask for one. */
  refreshSoon(): void {
    this.#refreshTimer ??= setTimeout(() => {
      this.#refreshTimer = null;
      void this.refresh();
    }, 2000);
  }

  toggle(id: string, on: boolean): void {
    if (on) this.selected.add(id);
    else this.selected.delete(id);
  }
}

export const scenarioList = new ScenarioList();
