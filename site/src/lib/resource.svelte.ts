import { ApiError, messageOf } from './api.ts';

/**
 * One piece of data a panel loads on its own, with its own loading, error and "this server does
 * not offer it" states, so a failure shows where it happened and nowhere else.
 */
export class Resource<T> {
  data = $state<T | null>(null);
  error = $state('');
  /** The endpoint does not exist on this server (yet). */
  missing = $state(false);
  loading = $state(false);
  #token = 0;

  /** Runs `fetcher`; a newer load supersedes an older one still in flight. */
  async load(fetcher: () => Promise<T>): Promise<void> {
    const token = ++this.#token;
    this.loading = true;
    try {
      const value = await fetcher();
      if (token !== this.#token) return;
      this.data = value;
      this.error = '';
      this.missing = false;
    } catch (e) {
      if (token !== this.#token) return;
      if (e instanceof ApiError && e.missing) {
        this.missing = true;
        this.error = '';
      } else {
        this.error = messageOf(e);
      }
    } finally {
      if (token === this.#token) this.loading = false;
    }
  }

  reset(): void {
    this.#token++;
    this.data = null;
    this.error = '';
    this.missing = false;
    this.loading = false;
  }
}
