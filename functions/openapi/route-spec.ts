import type * as v from 'valibot';

/**
 * One row of the route table each file in functions/routes/ keeps beside its handlers: what
 * the route takes and answers, as contract schemas. GET /api/openapi.json is built from these
 * rows (document.ts), and a test checks that every route Hono serves has one.
 */
export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** A response that is not JSON (CSV, a file, an event stream), described by its media type. */
export interface MediaResponse {
  media: string;
  description: string;
  /** For event streams: the `data:` of each event name. */
  events?: Record<string, v.GenericSchema>;
}

/** JSON, or another media type the request asks for (the audit trail's `?format=csv`). */
export interface JsonOr {
  json: v.GenericSchema;
  or: MediaResponse;
}

/** A JSON schema, a non-JSON body, either, or null for no body (204). */
export type ResponseSpec = v.GenericSchema | MediaResponse | JsonOr | null;

export interface RouteSpec {
  method: Method;
  /** The path as Hono registers it: `/api/runs/:id/plans/:iteration`. */
  path: string;
  summary: string;
  /** Path params that are not UUIDs (every other `:param` is one). */
  params?: Record<string, v.GenericSchema>;
  query?: v.GenericSchema;
  body?: v.GenericSchema;
  responses: Partial<Record<number, ResponseSpec>>;
}

/** A route table row; the options carry what the route takes and answers. */
export function route(
  method: Method,
  path: string,
  summary: string,
  options: Omit<RouteSpec, 'method' | 'path' | 'summary'>,
): RouteSpec {
  return { method, path, summary, ...options };
}

/** True for a non-JSON response. */
export function isMedia(r: ResponseSpec): r is MediaResponse {
  return r !== null && 'media' in r && typeof r.media === 'string';
}

/** True for a response that is JSON or another media type. */
export function isJsonOr(r: ResponseSpec): r is JsonOr {
  return r !== null && 'json' in r && 'or' in r;
}
