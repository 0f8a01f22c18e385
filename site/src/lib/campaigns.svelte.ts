import { api, messageOf } from './api.ts';
import type { Campaign, CampaignCreate, CampaignList, CampaignPatch } from './types.ts';

/**
 * The campaigns of the dashboard's tabs (live ones) and the archived ones (on demand), with the
 * mutations the tabs offer. Errors of loading stay here; errors of a mutation are thrown to the
 * form that caused them.
 */
class Campaigns {
  items = $state<Campaign[]>([]);
  archived = $state<Campaign[]>([]);
  loaded = $state(false);
  error = $state('');

  async load(): Promise<void> {
    try {
      this.items = (
        await api<CampaignList>('/api/campaigns', { query: { archived: 'false' } })
      ).items;
      this.error = '';
    } catch (e) {
      this.error = messageOf(e);
    } finally {
      this.loaded = true;
    }
  }

  async loadArchived(): Promise<void> {
    this.archived = (
      await api<CampaignList>('/api/campaigns', { query: { archived: 'true' } })
    ).items;
  }

  byId(id: string): Campaign | undefined {
    return this.items.find((c) => c.id === id) ?? this.archived.find((c) => c.id === id);
  }

  async create(input: CampaignCreate): Promise<Campaign> {
    const created = await api<Campaign>('/api/campaigns', { method: 'POST', body: input });
    this.items = [...this.items, created];
    return created;
  }

  async update(id: string, patch: CampaignPatch): Promise<Campaign> {
    const updated = await api<Campaign>(`/api/campaigns/${id}`, { method: 'PATCH', body: patch });
    this.items = this.items.map((c) => (c.id === id ? updated : c));
    return updated;
  }

  async archive(id: string): Promise<void> {
    const updated = await api<Campaign>(`/api/campaigns/${id}/archive`, { method: 'POST' });
    this.items = this.items.filter((c) => c.id !== id);
    this.archived = [updated, ...this.archived.filter((c) => c.id !== id)];
  }

  /** Deletes an empty campaign (the API refuses one that still holds scenarios). */
  async remove(id: string): Promise<void> {
    await api<void>(`/api/campaigns/${id}`, { method: 'DELETE' });
    this.items = this.items.filter((c) => c.id !== id);
    this.archived = this.archived.filter((c) => c.id !== id);
  }

  async unarchive(id: string): Promise<void> {
    const updated = await api<Campaign>(`/api/campaigns/${id}/unarchive`, { method: 'POST' });
    this.archived = this.archived.filter((c) => c.id !== id);
    this.items = [...this.items, updated];
  }
}

export const campaigns = new Campaigns();
