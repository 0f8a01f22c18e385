import { AppError, ConflictError } from '../core/errors.ts';

interface PgError {
  code?: string;
  constraint_name?: string;
  message?: string;
}

/**
 * Maps a Postgres error raised by a constraint to a typed AppError (unique → conflict, status
 * transition → invalid_transition, foreign key → conflict). Anything else is returned as is.
 */
export function mapDbError(e: unknown): unknown {
  const err = e as PgError;
  switch (err?.code) {
    case '23505':
      return new ConflictError(uniqueMessage(err.constraint_name), {
        constraint: err.constraint_name,
      });
    case '23514':
      if (
        err.constraint_name === 'scenario_status_transition' ||
        /cannot move from/.test(err.message ?? '')
      ) {
        return new AppError('invalid_transition', err.message ?? 'Invalid status transition.', {
          cause: e,
        });
      }
      return new AppError(
        'bad_request',
        `A value is out of range (${err.constraint_name ?? 'check'}).`,
        { cause: e },
      );
    case '23503':
      return new ConflictError(
        'The record is referenced by, or refers to, another record that does not allow this change.',
        { constraint: err.constraint_name },
      );
    case '22P02':
    case '22001':
      return new AppError('bad_request', 'A value has the wrong form or is too long.', {
        cause: e,
      });
    default:
      return e;
  }
}

function uniqueMessage(constraint: string | undefined): string {
  if (constraint === 'campaigns_live_name') return 'A campaign with this name already exists.';
  if (constraint?.startsWith('scenarios_campaign_id_slug'))
    return 'A scenario with this slug already exists in the campaign.';
  return 'A record with these values already exists.';
}

/** Runs `fn`, translating constraint errors. */
export async function mapped<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw mapDbError(e);
  }
}
