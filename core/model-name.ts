import * as v from 'valibot';

/**
 * The one rule for model names, shared by the API, the settings and the runner: a letter or digit
 * first (so a name can never be read as a CLI flag such as `--dangerously-skip-permissions`), then
 * letters, digits and `. _ : - [ ]` (`claude-sonnet-4-5`, `claude-sonnet-4-5[1m]`,
 * `us.anthropic.claude-3-7-sonnet:0`), at most 100 characters.
 */
export const MODEL_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._:[\]-]{0,99}$/;

/**
 * The name runs, sessions, logs and settings carry while the built-in demo model answers: no run
 * may read as a Claude model it never used.
 */
export const DEMO_MODEL_NAME = 'demo-model';

/** What the API says when a model name breaks the rule. */
export const MODEL_NAME_MESSAGE =
  'must be a model name: a letter or digit first, then letters, digits, . _ : - [ ] (at most 100)';

/** The rule as a valibot schema, for the edge. */
export const ModelName = v.pipe(
  v.string('must be a string'),
  v.regex(MODEL_NAME_RE, MODEL_NAME_MESSAGE),
);

/** True when `name` follows the rule. */
export function isModelName(name: string): boolean {
  return MODEL_NAME_RE.test(name);
}
