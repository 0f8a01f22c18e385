import { NonRetriableError, RetryAfterError } from '../../errors.ts';
import type { SerializedError } from './types.ts';

/** Errors re-thrown from a memoised failed step: the run fails without a run-level retry. */
const stepFailures = new WeakSet<Error>();

/** Error → JSON for the tables. */
export function serializeError(e: unknown): SerializedError {
  if (!(e instanceof Error)) return { name: 'Error', message: String(e) };
  const out: SerializedError = { name: e.name, message: e.message };
  if (e.stack) out.stack = e.stack;
  const code = (e as { code?: unknown }).code;
  if (typeof code === 'string') out.code = code;
  return out;
}

/** JSON → an Error with the original name, message and code (marked as a step failure). */
export function stepFailure(s: SerializedError): Error {
  const e =
    s.name === 'NonRetriableError' ? new NonRetriableError(s.message) : new Error(s.message);
  e.name = s.name;
  if (s.stack) e.stack = s.stack;
  if (s.code) Object.assign(e, { code: s.code });
  stepFailures.add(e);
  return e;
}

export function isStepFailure(e: unknown): boolean {
  return e instanceof Error && stepFailures.has(e);
}

export { isNonRetriable } from '../../errors.ts';

/** The ms to wait that a RetryAfterError asks for ("<seconds>" or an ISO date), else undefined. */
export function retryAfterMs(e: unknown, now: number): number | undefined {
  if (!(e instanceof RetryAfterError)) return undefined;
  const at = /^\d+$/.test(e.retryAfter)
    ? now + Number(e.retryAfter) * 1000
    : Date.parse(e.retryAfter);
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}

/** Default back-off: 1 s, 2 s, 4 s … capped at 10 min, with up to 50 % jitter below. */
export function defaultBackoff(attempt: number): number {
  const base = Math.min(1000 * 2 ** Math.max(0, attempt - 1), 600_000);
  return Math.round(base * (0.5 + Math.random() / 2));
}

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** "30s", "1h30m", "500ms" or a number of ms → ms. */
export function durationMs(d: number | string): number {
  if (typeof d === 'number') return d;
  const parts = [...d.trim().matchAll(/(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== d.replace(/\s+/g, '')) {
    throw new NonRetriableError(`Invalid duration "${d}"`);
  }
  return parts.reduce((sum, p) => sum + Number(p[1]) * (UNIT_MS[p[2] ?? 'ms'] ?? 1), 0);
}
