/**
 * The access token, asked once and kept in this browser (localStorage). The fetch wrapper calls
 * `ask()` when the server answers 401; every waiting call resumes when the user submits a token.
 */
import type { AuthStatus } from './types.ts';

const KEY = 'sg.accessToken';

function readToken(): string {
  try {
    return localStorage.getItem(KEY) ?? '';
  } catch {
    return '';
  }
}

class Auth {
  token = $state(readToken());
  /** True while the token dialog is open. */
  asking = $state(false);
  /** Why the dialog opened (first ask, or the saved token was refused). */
  reason = $state('');
  /** The server's AUTH_MODE: with `accounts`, a 401 means "sign in", not "give a token". */
  mode = $state<AuthStatus['mode']>('none');
  /** Set when a call was refused for want of a session (the layout then shows sign-in). */
  signedOut = $state(false);
  #waiters: { resolve: () => void; reject: (e: Error) => void }[] = [];

  /** Opens the token dialog; resolves once a token has been entered. */
  ask(reason: string): Promise<void> {
    this.reason = reason;
    this.asking = true;
    return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }));
  }

  submit(token: string): void {
    this.token = token.trim();
    try {
      localStorage.setItem(KEY, this.token);
    } catch {
      // Private windows may refuse storage; the token still works for this page.
    }
    this.asking = false;
    for (const w of this.#waiters.splice(0)) w.resolve();
  }

  cancel(): void {
    this.asking = false;
    for (const w of this.#waiters.splice(0))
      w.reject(new Error('An access token is needed to use this server.'));
  }

  forget(): void {
    this.token = '';
    try {
      localStorage.removeItem(KEY);
    } catch {
      // nothing stored
    }
  }
}

/** The one access-token holder of the page. */
export const auth = new Auth();
