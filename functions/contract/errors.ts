import * as v from 'valibot';
import { int } from './common.ts';

/**
 * Errors: RFC 9457 `application/problem+json` documents (functions/problem.ts writes them) with
 * the project's stable `code` and, for invalid input, `errors[]` naming each offending field
 * (`body.title`, `query.limit`, `params.id`).
 */
export const FieldIssue = v.strictObject({ field: v.string(), message: v.string() });
export type FieldIssue = v.InferOutput<typeof FieldIssue>;

export const Problem = v.looseObject({
  type: v.string(),
  title: v.string(),
  status: int,
  detail: v.string(),
  code: v.string(),
  errors: v.optional(v.array(FieldIssue)),
  /** Facts about the refusal (e.g. the scenario's status in a conflict). */
  details: v.optional(v.record(v.string(), v.unknown())),
});
export type Problem = v.InferOutput<typeof Problem>;
