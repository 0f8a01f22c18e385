import { api, ApiError } from './api.ts';
import { auth } from './auth.svelte.ts';
import type { AuthStatus, Role, SessionInfo } from './types.ts';

/**
 * Who is signed in and what they may do. In `AUTH_MODE=none` the server answers with its one
 * local administrator; in `accounts` mode with the user (or token) and their campaign roles. The
 * UI hides what a role may not do; the API refuses it anyway.
 */
const RANK: Record<Role, number> = { viewer: 1, operator: 2, admin: 3 };

class Session {
  ready = $state(false);
  mode = $state<AuthStatus['mode']>('none');
  setupNeeded = $state(false);
  me = $state<SessionInfo | null>(null);
  #loading: Promise<void> | null = null;

  /** Asks the server (once, until `reload`). */
  load(): Promise<void> {
    this.#loading ??= this.#fetch();
    return this.#loading;
  }

  reload(): Promise<void> {
    this.#loading = null;
    return this.load();
  }

  async #fetch(): Promise<void> {
    const status = await api<AuthStatus>('/api/auth/status');
    this.mode = status.mode;
    this.setupNeeded = status.setupNeeded;
    auth.mode = status.mode;
    try {
      this.me = await api<SessionInfo>('/api/auth/session');
      auth.signedOut = false;
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 401)) throw e;
      this.me = null;
    } finally {
      this.ready = true;
    }
  }

  /** The role held on a campaign; `all` asks for every campaign at once. */
  roleIn(campaignId: string | null | undefined): Role | undefined {
    const me = this.me;
    if (!me) return undefined;
    if (me.globalAdmin) return 'admin';
    if (!campaignId || campaignId === 'all') return me.everyCampaign ?? undefined;
    const a = me.everyCampaign ?? undefined;
    const b = me.campaigns[campaignId];
    if (!a) return b;
    if (!b) return a;
    return RANK[a] >= RANK[b] ? a : b;
  }

  can(role: Role, campaignId: string | null | undefined): boolean {
    const held = this.roleIn(campaignId);
    return held !== undefined && RANK[held] >= RANK[role];
  }

  /** True when some campaign grants at least `role`. */
  canAnywhere(role: Role): boolean {
    const me = this.me;
    if (!me) return false;
    if (me.globalAdmin || (me.everyCampaign && RANK[me.everyCampaign] >= RANK[role])) return true;
    return Object.values(me.campaigns).some((r) => RANK[r] >= RANK[role]);
  }

  get seesAll(): boolean {
    return !!this.me && (this.me.globalAdmin || this.me.everyCampaign !== null);
  }

  get isAdmin(): boolean {
    return !!this.me?.globalAdmin;
  }

  async signOut(): Promise<void> {
    await api('/api/auth/signout', { method: 'POST' });
    this.me = null;
  }
}

/** The one session of the page. */
export const session = new Session();
