/**
 * Where browser-notify.svelte.ts keeps this browser's notification choices, apart from it so the
 * layout can tell whether to load that module at all (it stays off the first page otherwise).
 */
export const BROWSER_NOTIFY_KEY = 'sg.browser-notify.v1';

/** True when this browser ever chose browser notifications for a campaign. */
export function hasBrowserNotifyChoices(): boolean {
  try {
    return localStorage.getItem(BROWSER_NOTIFY_KEY) !== null;
  } catch {
    return false;
  }
}
