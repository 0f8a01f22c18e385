import { redactUrlsIn } from './redact-url.ts';

/** The marker a secret value is replaced with. */
export const REDACTED = '[redacted]';

/**
 * Text with every listed secret value replaced and every URL's credentials masked: what the
 * logger writes and what start-up errors print. Values shorter than 6 characters are left alone
 * (they would blank out ordinary words).
 */
export function redactText(text: string, secrets: readonly string[]): string {
  const hidden = secrets.filter((s) => s.length >= 6).sort((a, b) => b.length - a.length);
  return redactUrlsIn(hidden.reduce((acc, s) => acc.split(s).join(REDACTED), text));
}
