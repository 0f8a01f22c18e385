/**
 * Errors a stage handler throws to steer retries. They are the project's own: the local executor
 * needs no SDK, and the Inngest adapter (serve/errors.ts) maps them onto the SDK's classes at its
 * boundary, so both engines give them the same meaning.
 * - NonRetriableError: bad input or a permanent failure; no retry.
 * - RetryAfterError: retry this step, but not before the given time.
 * - RunFailure: a permanent failure with the class analytics counts (`budget_exceeded`, …).
 * - TransientFailure: an agent failure worth retrying (API error, crash, timeout), with its class.
 */
export class NonRetriableError extends Error {
  override name = 'NonRetriableError';
}

export class RetryAfterError extends Error {
  override name = 'RetryAfterError';
  /** Seconds as a string ("30"), or an ISO date. */
  readonly retryAfter: string;
  constructor(message: string, retryAfter: number | string | Date) {
    super(message);
    this.retryAfter =
      retryAfter instanceof Date
        ? retryAfter.toISOString()
        : typeof retryAfter === 'number'
          ? String(Math.ceil(retryAfter / 1000))
          : retryAfter;
  }
}

/** Why a run ended badly, as analytics counts it. `internal` when nothing more is known. */
export type FailureClass = string;

/** A permanent failure of a class: the run fails with it, no retry. */
export class RunFailure extends NonRetriableError {
  readonly code: FailureClass;
  constructor(code: FailureClass, message: string) {
    super(message);
    this.code = code;
  }
}

/** A failure of a class that a retry may fix. */
export class TransientFailure extends Error {
  override name = 'TransientFailure';
  readonly code: FailureClass;
  constructor(code: FailureClass, message: string) {
    super(message);
    this.code = code;
  }
}

const CLASS_RE = /^[a-z][a-z_]*$/;

/** The failure class an error carries (its `code`), or `internal`. Works on deserialised errors too. */
export function failureClassOf(e: unknown): FailureClass {
  const code = e && typeof e === 'object' ? (e as { code?: unknown }).code : undefined;
  return typeof code === 'string' && CLASS_RE.test(code) ? code : 'internal';
}

/** By name too: an error rebuilt from storage or from another engine is not an instance. */
export function isNonRetriable(e: unknown): boolean {
  return e instanceof NonRetriableError || (e instanceof Error && e.name === 'NonRetriableError');
}

/**
 * The reason a run's signal aborts when its engine stops (a shutdown), not the run: the work was
 * interrupted and resumes on the next start, or on another process.
 */
export class EngineStopping extends Error {
  override name = 'EngineStopping';
  constructor() {
    super('The executor stopped; the run resumes on the next start');
  }
}
