import { toJsonSchema } from '@valibot/to-json-schema';
import * as v from 'valibot';

/**
 * The structured answers agents give through `--json-schema`: each is a valibot schema, which
 * this project checks answers with, and the JSON Schema the CLI gets (it checks the
 * StructuredOutput tool's input against it) is derived from it, so the two cannot drift. Rules
 * JSON Schema cannot say (trimmed, non-blank text, unique resources) stay valibot's alone.
 */
const SLUG_PATTERN = '^[a-z0-9]+(-[a-z0-9]+)*$';

/** The JSON Schema of a valibot schema, without the valibot-only checks (they run after). */
function jsonSchemaOf(schema: v.GenericSchema): Record<string, unknown> {
  const { $schema: _draft, ...json } = toJsonSchema(schema, { errorMode: 'ignore' });
  return json as Record<string, unknown>;
}

const text = (max: number) =>
  v.pipe(v.string(), v.trim(), v.minLength(1, 'must not be blank'), v.maxLength(max));

export const PlanAnswer = v.strictObject({
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
export const planJsonSchema = jsonSchemaOf(PlanAnswer);

const score = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(25));

export const ScoreAnswer = v.strictObject({
  completeness: score,
  feasibility: score,
  clarity: score,
  risk: score,
  critique: text(20000),
});
export type ScoreAnswer = v.InferOutput<typeof ScoreAnswer>;
export const scoreJsonSchema = jsonSchemaOf(ScoreAnswer);

/** The rubric total, 0–100. */
export function scoreTotal(s: ScoreAnswer): number {
  return s.completeness + s.feasibility + s.clarity + s.risk;
}

/** A suggested change to one section of a prompt template (a plan-only session's answer). */
export const SuggestionAnswer = v.strictObject({
  section: text(200),
  replacement: text(20000),
  rationale: text(4000),
});
export type SuggestionAnswer = v.InferOutput<typeof SuggestionAnswer>;
export const suggestionJsonSchema = jsonSchemaOf(SuggestionAnswer);
