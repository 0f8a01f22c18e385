import { CREDENTIAL_VARS } from './env.ts';

/**
 * Removes secret values from anything before it is stored, logged, published or put in an
 * error message. Secrets are matched literally (and in their JSON-escaped form, as they appear
 * inside raw JSON lines).
 */
export const REDACTED = '[REDACTED]';

/** Shorter values are not treated as secrets: redacting them would mangle ordinary text. */
const MIN_SECRET_LENGTH = 8;

export interface Redactor {
  /** The text with every secret replaced by `[REDACTED]`. */
  text(s: string): string;
  /** A deep copy of a JSON-like value with secrets removed from every string. */
  value<T>(v: T): T;
  /** True when the text contains a secret. */
  contains(s: string): boolean;
}

/** The credential values in `env` plus any configured extra secrets. */
export function secretValues(
  env: Record<string, string | undefined>,
  extra: readonly string[] = [],
): string[] {
  const out = new Set<string>();
  for (const k of CREDENTIAL_VARS) {
    const val = env[k];
    if (val) out.add(val);
  }
  for (const s of extra) if (s) out.add(s);
  return [...out];
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function createRedactor(secrets: readonly string[]): Redactor {
  const forms = new Set<string>();
  for (const s of secrets) {
    if (s.length < MIN_SECRET_LENGTH) continue;
    forms.add(s);
    forms.add(JSON.stringify(s).slice(1, -1));
  }
  const list = [...forms].sort((a, b) => b.length - a.length);
  const re = list.length > 0 ? new RegExp(list.map(escapeRe).join('|'), 'g') : null;
  const text = (s: string): string => (re ? s.replace(re, REDACTED) : s);
  const value = <T>(v: T): T => {
    if (!re) return v;
    if (typeof v === 'string') return text(v) as T;
    if (Array.isArray(v)) return v.map((x) => value(x)) as T;
    if (v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[k] = value(x);
      return out as T;
    }
    return v;
  };
  return {
    text,
    value,
    contains(s) {
      if (!re) return false;
      re.lastIndex = 0;
      return re.test(s);
    },
  };
}
