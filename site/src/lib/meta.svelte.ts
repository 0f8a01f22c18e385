import { api, messageOf } from './api.ts';
import type { Meta } from './types.ts';

/**
 * What the server says about itself (/api/meta): version, demo model, executor, stores. Loaded
 * once per page load; the layout shows the demo banner from it.
 */
class MetaState {
  value = $state<Meta | null>(null);
  error = $state('');
  #loading: Promise<void> | null = null;

  load(): Promise<void> {
    this.#loading ??= api<Meta>('/api/meta')
      .then((m) => {
        this.value = m;
        this.error = '';
      })
      .catch((e: unknown) => {
        this.error = messageOf(e);
        this.#loading = null;
      });
    return this.#loading;
  }
}

export const meta = new MetaState();
