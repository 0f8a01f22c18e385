import * as v from 'valibot';
import type { FindingList } from '../findings.ts';
import { jsonPath } from '../json.ts';
import type { Severity } from '../types.ts';

/** Lowercase words joined by single hyphens: `make-it-vegan`, `scenario-generator-v1`. */
export const KEBAB = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
/** Semantic version (semver.org's own expression). */
export const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;
/** Environment variable names in upper snake case: `SERVICE_PORT`. */
export const UPPER_SNAKE = /^[A-Z][A-Z0-9_]*$/;

export const kebabString = v.pipe(
  v.string('must be a string'),
  v.minLength(1, 'must not be empty'),
  v.regex(KEBAB, 'must be kebab-case (lowercase letters and digits joined by single hyphens)'),
);
export const semverString = v.pipe(
  v.string('must be a string'),
  v.regex(SEMVER, 'must be a semantic version such as 1.0.0'),
);
export const envVarString = v.pipe(
  v.string('must be a string'),
  v.regex(UPPER_SNAKE, 'must be an upper snake case variable name such as SERVICE_PORT'),
);
export const portRangeString = v.pipe(
  v.string('must be a string'),
  v.regex(/^\d+-\d+$/, 'must look like "A-B", e.g. "8090-8099"'),
  v.check((s) => {
    const [a, b] = s.split('-').map(Number) as [number, number];
    return a >= 1 && b <= 65535 && a <= b;
  }, 'must be a range of ports from 1 to 65535 whose start is not above its end'),
);
export const fixedPort = v.pipe(
  v.number('must be a number'),
  v.integer('must be an integer'),
  v.minValue(1024, 'must be at least 1024'),
  v.maxValue(65535, 'must be at most 65535'),
);
export const fallbackValue = v.picklist(['auto', 'error'], 'must be "auto" or "error"');
export const optionalString = v.optional(v.string('must be a string'));
export const optionalBoolean = v.optional(v.boolean('must be true or false'));

export interface FieldRule {
  ruleId: string;
  /** The field's name as users write it, e.g. `service.name`; starts the message. */
  label: string;
  path: (string | number)[];
  file: string;
  hint?: string;
  severity?: Severity;
}

function shown(value: unknown): string {
  if (value === undefined) return 'missing';
  const s = JSON.stringify(value);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/**
 * Checks one value against a valibot schema and records a finding when it fails. Returns the
 * parsed output, or undefined on failure.
 */
export function checkValue<T extends v.GenericSchema>(
  list: FindingList,
  value: unknown,
  schema: T,
  rule: FieldRule,
): v.InferOutput<T> | undefined {
  const result = v.safeParse(schema, value);
  if (result.success) return result.output;
  const why = value === undefined ? 'is required' : (result.issues[0]?.message ?? 'is invalid');
  list.add({
    severity: rule.severity ?? 'error',
    ruleId: rule.ruleId,
    file: rule.file,
    jsonPath: jsonPath(rule.path),
    message:
      value === undefined ? `${rule.label} ${why}` : `${rule.label} ${why} (found ${shown(value)})`,
    ...(rule.hint === undefined ? {} : { hint: rule.hint }),
  });
  return undefined;
}
