/**
 * Typed application errors. Every error that crosses a boundary carries a stable `code`; the HTTP
 * layer maps codes to statuses and `application/problem+json` bodies in one place
 * (functions/problem.ts).
 */
export type ErrorCode =
  | 'bad_request'
  | 'invalid_input'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'rate_limited'
  | 'invalid_transition'
  | 'config_invalid'
  | 'service_unavailable'
  | 'store_error'
  | 'bus_error'
  | 'agent_error'
  | 'validation_error'
  | 'deploy_error'
  | 'disk_full'
  | 'internal';

/** One offending field of an input, as reported to clients. */
export interface FieldIssue {
  /** Dotted path of the field, e.g. `body.config.planningIterations` or `query.limit`. */
  field: string;
  message: string;
}

/** Base class for every error the application throws on purpose. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;
  constructor(
    code: ErrorCode,
    message: string,
    options: { cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.details = options.details;
  }
}

/** Input failed validation; `issues` names each offending field. */
export class InvalidInputError extends AppError {
  readonly issues: FieldIssue[];
  constructor(issues: FieldIssue[], message = 'The request has invalid fields.') {
    super('invalid_input', message);
    this.name = 'InvalidInputError';
    this.issues = issues;
  }
}

export class NotFoundError extends AppError {
  constructor(what: string, id: string) {
    super('not_found', `${what} ${id} was not found.`, { details: { what, id } });
    this.name = 'NotFoundError';
  }
}

export class ConflictError extends AppError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('conflict', message, details ? { details } : {});
    this.name = 'ConflictError';
  }
}

/** True when `e` is an AppError with the given code. */
export function isAppError(e: unknown, code?: ErrorCode): e is AppError {
  return e instanceof AppError && (code === undefined || e.code === code);
}
