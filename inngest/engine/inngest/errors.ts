import {
  NonRetriableError as SdkNonRetriableError,
  RetryAfterError as SdkRetryAfterError,
} from 'inngest';
import {
  failureClassOf,
  isNonRetriable,
  RetryAfterError,
  RunFailure,
  TransientFailure,
} from '../../errors.ts';

/**
 * The project's errors (inngest/errors.ts) at the Inngest boundary. Outgoing, they become the
 * SDK's classes, so Inngest retries or stops as the local executor would; a failure class rides
 * in the message (`[class] …`), since Inngest carries an error's name and message, not its
 * fields. Incoming (a failed invoke, the failure handler's error), the class is read back.
 */
const CLASS_PREFIX = /^\[([a-z][a-z_]*)\] /;
/** Messages of runs started before this encoding, and hand-written test events. */
const LEGACY_PREFIX = /^(?:agent|stage):([a-z][a-z_]*):\s*/;

function encode(e: Error): string {
  const cls = failureClassOf(e);
  return cls === 'internal' || CLASS_PREFIX.test(e.message) ? e.message : `[${cls}] ${e.message}`;
}

/** A project error as the SDK's own, for Inngest to act on. */
export function toSdkError(e: unknown): unknown {
  if (!(e instanceof Error)) return e;
  if (e instanceof RetryAfterError) return new SdkRetryAfterError(e.message, e.retryAfter);
  if (isNonRetriable(e)) return new SdkNonRetriableError(encode(e), { cause: e });
  if (e instanceof TransientFailure) return new Error(encode(e), { cause: e });
  return e;
}

/** An error from Inngest as a project error, with its failure class restored. */
export function fromSdkError(e: unknown): Error {
  const err = asError(e);
  const hit = CLASS_PREFIX.exec(err.message) ?? LEGACY_PREFIX.exec(err.message);
  if (!hit) return err;
  const message = err.message.slice(hit[0].length);
  return isNonRetriable(err)
    ? new RunFailure(hit[1]!, message)
    : new TransientFailure(hit[1]!, message);
}

/** Inngest may hand an error on serialised (`{ name, message, stack }`, not an Error). */
function asError(e: unknown): Error {
  if (e instanceof Error) return e;
  if (e && typeof e === 'object' && typeof (e as { message?: unknown }).message === 'string') {
    const o = e as { name?: unknown; message: string };
    return Object.assign(new Error(o.message), {
      name: typeof o.name === 'string' ? o.name : 'Error',
    });
  }
  return new Error(String(e));
}
