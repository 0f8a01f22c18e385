import * as v from 'valibot';

/**
 * Building blocks for API schemas. Free text keeps every character it was sent, except the two
 * that Postgres text cannot hold or UTF-8 cannot encode: NUL and lone surrogates (refused with a
 * message, never silently changed).
 */
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
