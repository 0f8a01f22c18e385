import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { AppError, InvalidInputError, type ErrorCode } from '../core/errors.ts';
import type { Problem } from './contract/errors.ts';

/**
 * The one place errors become HTTP responses: RFC 9457 `application/problem+json` documents
 * (the contract's Problem) with our stable `code`, and `errors[]` naming each offending field for
 * invalid input. Unexpected errors become a 500 whose body says nothing internal.
 */
export type { Problem };

const STATUS: Partial<Record<ErrorCode, ContentfulStatusCode>> = {
  bad_request: 400,
  invalid_input: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  invalid_transition: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  service_unavailable: 503,
  disk_full: 507,
};

const TITLES: Partial<Record<ErrorCode, string>> = {
  bad_request: 'Bad request',
  invalid_input: 'Invalid input',
  unauthorized: 'Unauthorized',
  forbidden: 'Forbidden',
  not_found: 'Not found',
  conflict: 'Conflict',
  invalid_transition: 'Invalid state change',
  payload_too_large: 'Payload too large',
  unsupported_media_type: 'Unsupported media type',
  rate_limited: 'Too many requests',
  service_unavailable: 'Service unavailable',
  disk_full: 'Insufficient storage',
};

/** Builds the problem document for an error. */
export function toProblem(err: unknown): Problem {
  if (err instanceof AppError) {
    const status = STATUS[err.code] ?? 500;
    const problem: Problem = {
      type: `/problems/${err.code.replace(/_/g, '-')}`,
      title: TITLES[err.code] ?? 'Internal error',
      status,
      detail: status === 500 ? 'The server could not complete the request.' : err.message,
      code: status === 500 ? 'internal' : err.code,
    };
    if (err instanceof InvalidInputError) problem.errors = err.issues;
    if (status !== 500 && err.details) Object.assign(problem, { details: err.details });
    return problem;
  }
  return {
    type: '/problems/internal',
    title: 'Internal error',
    status: 500,
    detail: 'The server could not complete the request.',
    code: 'internal',
  };
}

/** Sends a problem document. */
export function problemResponse(c: Context, problem: Problem): Response {
  return c.body(JSON.stringify(problem), problem.status as ContentfulStatusCode, {
    'content-type': 'application/problem+json',
  });
}
