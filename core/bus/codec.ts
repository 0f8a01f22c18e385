import { AppError, InvalidInputError } from '../errors.ts';
import { isEventId } from './port.ts';

/**
 * Checks shared by both bus adapters, so that they refuse the same inputs the same way: topics
 * are non-empty strings, `afterId` has the bus id form (it usually arrives from a client's
 * `Last-Event-ID` header), and payloads are JSON (they must survive Redis unchanged).
 */

/** Throws InvalidInputError unless `topic` is a non-empty string of at most 512 characters. */
export function checkTopic(topic: string): void {
  if (typeof topic !== 'string' || topic.length === 0 || topic.length > 512) {
    throw new InvalidInputError([
      { field: 'topic', message: 'must be a non-empty string of at most 512 characters' },
    ]);
  }
}

/** Throws InvalidInputError unless `afterId` is absent or has the `ms-n` form. */
export function checkAfterId(afterId: string | undefined): void {
  if (afterId !== undefined && (typeof afterId !== 'string' || !isEventId(afterId))) {
    throw new InvalidInputError([
      { field: 'afterId', message: 'must be an event id of the form ms-n' },
    ]);
  }
}

/** Throws InvalidInputError unless `limit` is absent or a positive integer. */
export function checkLimit(limit: number | undefined): void {
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) {
    throw new InvalidInputError([{ field: 'limit', message: 'must be a positive integer' }]);
  }
}

/** Serialises a payload to JSON, refusing what JSON cannot carry (undefined, functions, cycles). */
export function encodePayload(payload: unknown): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(payload);
  } catch (e) {
    throw new AppError('bus_error', 'The event payload cannot be serialised to JSON.', {
      cause: e,
    });
  }
  if (json === undefined)
    throw new AppError('bus_error', 'The event payload cannot be serialised to JSON.');
  return json;
}
