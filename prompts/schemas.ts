import * as v from 'valibot';

/**
 * The structured answers agents give through `--json-schema`: a JSON Schema for the CLI (which
 * checks the StructuredOutput tool's input against it) and a matching valibot schema that this
 * project checks again, with the rules JSON Schema cannot say (trimmed, non-blank text, unique
 * resources).
 */
const SLUG_PATTERN = '^[a-z0-9]+(-[a-z0-9]+)*$';

export const planJsonSchema = {
  type: 'object',
  properties: {
    title: { type: 'string', minLength: 1, maxLength: 200 },
    slug: { type: 'string', pattern: SLUG_PATTERN, maxLength: 64 },
    summary: { type: 'string', minLength: 1, maxLength: 2000 },
    resources: {
      type: 'array',
      items: { type: 'string', minLength: 1, maxLength: 64 },
      maxItems: 30,
    },
    plan: { type: 'string', minLength: 1, maxLength: 100000 },
  },
  required: ['title', 'slug', 'summary', 'resources', 'plan'],
  additionalProperties: false,
} as const;

const text = (max: number) =>
  v.pipe(v.string(), v.trim(), v.minLength(1, 'must not be blank'), v.maxLength(max));

export const PlanAnswer = v.object({
  title: text(200),
  slug: v.pipe(
    v.string(),
    v.regex(new RegExp(SLUG_PATTERN), 'must be kebab-case'),
    v.maxLength(64),
  ),
  summary: text(2000),
  resources: v.pipe(
    v.array(text(64)),
    v.maxLength(30),
    v.check((list) => new Set(list).size === list.length, 'resources must not repeat'),
  ),
  plan: text(100000),
});
export type PlanAnswer = v.InferOutput<typeof PlanAnswer>;

const part = { type: 'integer', minimum: 0, maximum: 25 } as const;

export const scoreJsonSchema = {
  type: 'object',
  properties: {
    completeness: part,
    feasibility: part,
    clarity: part,
    risk: part,
    critique: { type: 'string', minLength: 1, maxLength: 20000 },
  },
  required: ['completeness', 'feasibility', 'clarity', 'risk', 'critique'],
  additionalProperties: false,
} as const;

const score = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(25));

export const ScoreAnswer = v.object({
  completeness: score,
  feasibility: score,
  clarity: score,
  risk: score,
  critique: text(20000),
});
export type ScoreAnswer = v.InferOutput<typeof ScoreAnswer>;

/** The rubric total, 0–100. */
export function scoreTotal(s: ScoreAnswer): number {
  return s.completeness + s.feasibility + s.clarity + s.risk;
}
