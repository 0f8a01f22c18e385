/**
 * The colour scheme: the system's unless the reader chose light or dark. Kept in localStorage and
 * set as data-theme on <html> (app.html applies it before the first paint, so no flash).
 */
export type Theme = 'system' | 'light' | 'dark';
const KEY = 'sg.theme';

function saved(): Theme {
  try {
    const t = localStorage.getItem(KEY);
    return t === 'light' || t === 'dark' ? t : 'system';
  } catch {
    return 'system';
  }
}

class ThemeChoice {
  value = $state<Theme>(saved());

  set(t: Theme): void {
    this.value = t;
    try {
      if (t === 'system') localStorage.removeItem(KEY);
      else localStorage.setItem(KEY, t);
    } catch {
      // storage refused: the choice lasts for this page only
    }
    if (t === 'system') delete document.documentElement.dataset.theme;
    else document.documentElement.dataset.theme = t;
  }
}

/** The reader's colour scheme choice. */
export const theme = new ThemeChoice();
