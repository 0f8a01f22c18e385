import * as v from 'valibot';

/**
 * Building blocks of the API contract. Request text keeps every character it was sent, except the
 * two that Postgres text cannot hold or UTF-8 cannot encode: NUL and lone surrogates (refused
 * with a message, never silently changed). Response atoms describe the JSON as sent: timestamps
 * are ISO strings, ids UUIDs.
 */

/** Free text of at most `max` characters. */
export const freeText = (max: number, min = 0) =>
  v.pipe(
    v.string('must be a string'),
    v.check((s) => !s.includes('\u0000'), 'must not contain NUL characters'),
    v.check((s) => s.isWellFormed(), 'must be well-formed Unicode (no lone surrogates)'),
    v.minLength(min, min === 1 ? 'must not be empty' : `must be at least ${min} characters`),
    v.maxLength(max, `must be at most ${max} characters`),
  );

/** Required text that is not only white space. */
export const requiredText = (max: number) =>
  v.pipe(
    freeText(max, 1),
    v.check((s) => s.trim().length > 0, 'must not be blank'),
  );

export const uuid = v.pipe(v.string('must be a string'), v.uuid('must be a UUID'));

/** A kebab-case name (slugs). */
export const kebab = (max: number) =>
  v.pipe(
    v.string('must be a string'),
    v.regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'must be kebab-case (a-z, 0-9, single dashes)'),
    v.maxLength(max, `must be at most ${max} characters`),
  );

/** "true"/"false" in a query string. */
export const queryBool = v.pipe(
  v.picklist(['true', 'false'], 'must be true or false'),
  v.transform((s) => s === 'true'),
);

/** An integer in a query string. */
export const queryInt = (min: number, max: number) =>
  v.pipe(
    v.string(),
    v.regex(/^\d+$/, `must be an integer from ${min} to ${max}`),
    v.transform(Number),
    v.minValue(min, `must be an integer from ${min} to ${max}`),
    v.maxValue(max, `must be an integer from ${min} to ${max}`),
  );

/** A comma-separated list of statuses in a query string (`status=failed,deployed`). */
export const queryStatuses = <const T extends readonly string[]>(statuses: T) =>
  v.pipe(
    v.string(),
    v.transform((s) => s.split(',').filter(Boolean)),
    v.array(v.picklist(statuses, `must be statuses from ${statuses.join(', ')}`)),
  );

/** A point in time as sent: an ISO 8601 timestamp (`2026-11-02T10:00:00.000Z`). */
export const timestamp = v.pipe(v.string(), v.isoTimestamp());

/** A whole number in a response. */
export const int = v.pipe(v.number(), v.integer());

/** `{ items: [...] }`, the shape of every unpaged list. */
export const items = <S extends v.GenericSchema>(item: S) =>
  v.strictObject({ items: v.array(item) });
