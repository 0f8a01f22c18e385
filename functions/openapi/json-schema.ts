import type * as v from 'valibot';
import { toJsonSchema, toJsonSchemaDefs, type JsonSchema } from '@valibot/to-json-schema';
import * as contract from '../contract/index.ts';
import type { RouteSpec } from './route-spec.ts';

/**
 * Contract schemas as JSON Schema (draft 2020-12, the dialect of OpenAPI 3.1). Answers refer to
 * named components; request bodies and query strings are inlined as the client sends them
 * (before any transform, e.g. a query's `"20"` before it becomes 20). Checks written as code
 * (`v.check`) have no JSON Schema form and are left out; the server still applies them.
 */
const REF = '#/components/schemas/';
const overrideRef = ({ referenceId }: { referenceId: string }) => `${REF}${referenceId}`;

function isSchema(x: unknown): x is v.GenericSchema {
  return typeof x === 'object' && x !== null && (x as { kind?: unknown }).kind === 'schema';
}

/** Converts contract schemas for one route table. */
export interface SchemaConverter {
  /** Named answer schemas: components.schemas. */
  components: Record<string, JsonSchema>;
  /** An answer's schema: a `$ref` when it is a named component, else inline. */
  output(schema: v.GenericSchema): JsonSchema;
  /** A request body, query or path param, inline as the client sends it. */
  input(schema: v.GenericSchema): JsonSchema;
}

function clean(s: JsonSchema): JsonSchema {
  const { $schema: _s, $defs: _d, ...rest } = s;
  return rest;
}

export function schemaConverter(routes: readonly RouteSpec[]): SchemaConverter {
  const inputs = new Set<unknown>(routes.flatMap((r) => [r.body, r.query]));
  // Every schema the contract exports by a capitalised name, except request inputs.
  const named = Object.fromEntries(
    Object.entries(contract).filter(
      ([name, s]) => /^[A-Z]/.test(name) && isSchema(s) && !inputs.has(s),
    ),
  ) as Record<string, v.GenericSchema>;
  const names = new Map<unknown, string>(Object.entries(named).map(([k, s]) => [s, k]));
  const outputConfig = {
    target: 'draft-2020-12',
    typeMode: 'output',
    errorMode: 'ignore',
    overrideRef,
  } as const;
  return {
    components: toJsonSchemaDefs(named, outputConfig),
    output(schema) {
      const name = names.get(schema);
      if (name) return { $ref: `${REF}${name}` };
      return clean(toJsonSchema(schema, { ...outputConfig, definitions: named }));
    },
    input(schema) {
      return clean(
        toJsonSchema(schema, { target: 'draft-2020-12', typeMode: 'input', errorMode: 'ignore' }),
      );
    },
  };
}
