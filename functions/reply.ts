import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type * as v from 'valibot';

/**
 * Typed JSON responses: a handler answers through `reply(c, Schema, body)`, and `body` must
 * encode to the contract's type (functions/contract/), so renaming or retyping a response field
 * there breaks the server's type check until the handler follows. Nothing is validated at run
 * time; the contract tests parse real responses with the same schemas.
 */

/** The JSON a value becomes: Dates as ISO strings, undefined properties dropped. */
export type Encoded<T> = T extends Date
  ? string
  : T extends string | number | boolean | null | undefined
    ? T
    : T extends readonly (infer E)[]
      ? Encoded<E>[]
      : T extends object
        ? { [K in keyof T]: Encoded<T[K]> }
        : T;

/** `B` when its JSON is an `Out`; else `Out`, so the call fails to type check on `body`. */
export type Encodes<B, Out> = [Encoded<B>] extends [Out] ? B : Out;

/** True when `B`'s JSON is an `Out`: `type _ = Expect<EncodesTo<Row, Contract>>`. */
export type EncodesTo<B, Out> = [Encoded<B>] extends [Out] ? true : false;
/** A compile-time assertion. */
export type Expect<T extends true> = T;

/** Sends `body` as JSON; `body` must encode to the schema's output type. */
export function reply<S extends v.GenericSchema, const B>(
  c: Context,
  _schema: S,
  body: B & Encodes<B, v.InferOutput<S>>,
  status: ContentfulStatusCode = 200,
): Response {
  return c.json(body as object, status);
}
