/**
 * Errors a stage handler throws to steer retries. They are Inngest's own classes, so a served
 * function behaves the same; the local executor recognises them too.
 * - NonRetriableError: bad input or a classified permanent failure; no retry.
 * - RetryAfterError: retry this step, but not before the given time.
 */
export { NonRetriableError, RetryAfterError } from 'inngest';
