import type { Context } from 'hono';
import * as v from 'valibot';
import { AppError, InvalidInputError, type FieldIssue } from '../core/errors.ts';
import { isJsonContentType } from './json-only.ts';

/**
 * Reading request input at the edge: JSON bodies, query strings and path params, each parsed with
 * a valibot schema. Failures are InvalidInputError naming each field (`body.title`,
 * `query.limit`, `params.id`), malformed JSON a 400, a wrong content type a 415.
 */
function issuesOf(prefix: string, issues: v.BaseIssue<unknown>[]): FieldIssue[] {
  const byField = new Map<string, string>();
  for (const issue of issues) {
    const keys = (issue.path ?? []).map((p) => String(p.key));
    const unknownKey = issue.expected === 'never' && keys.length > 0;
    const field = [prefix, ...keys].join('.');
    // One message per field: the first problem found is the one to fix first.
    if (!byField.has(field)) byField.set(field, unknownKey ? 'Unknown field.' : issue.message);
  }
  return [...byField].map(([field, message]) => ({ field, message }));
}

/** Parses `value` with `schema` or throws InvalidInputError with fields under `prefix`. */
export function parseInput<S extends v.GenericSchema>(
  schema: S,
  value: unknown,
  prefix: string,
): v.InferOutput<S> {
  const r = v.safeParse(schema, value, { abortEarly: false });
  if (!r.success) throw new InvalidInputError(issuesOf(prefix, r.issues));
  return r.output;
}

/** Reads and validates a JSON body. */
export async function readJson<S extends v.GenericSchema>(
  c: Context,
  schema: S,
): Promise<v.InferOutput<S>> {
  if (!isJsonContentType(c.req.header('content-type'))) {
    throw new AppError('unsupported_media_type', 'Send the body as application/json.');
  }
  const text = await c.req.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (e) {
    throw new AppError('bad_request', `The body is not valid JSON: ${(e as Error).message}`);
  }
  return parseInput(schema, body, 'body');
}

/** Validates the query string (first value of each key; repeated keys joined by commas). */
export function readQuery<S extends v.GenericSchema>(c: Context, schema: S): v.InferOutput<S> {
  const all = c.req.queries();
  const flat: Record<string, string> = {};
  for (const [k, vals] of Object.entries(all)) {
    // The access token may ride in the query for EventSource; it is not an input of any route.
    if (k !== 'access_token') flat[k] = vals.join(',');
  }
  return parseInput(schema, flat, 'query');
}

const uuid = v.pipe(v.string(), v.uuid('must be a UUID'));

/** A path param that must be a UUID. */
export function readId(c: Context, name = 'id'): string {
  return parseInput(uuid, c.req.param(name), `params.${name}`);
}
