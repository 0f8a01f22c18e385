import type { FindingList } from '../findings.ts';
import { eachString, jsonPath } from '../json.ts';
import type { Severity } from '../types.ts';

/**
 * Unfilled template placeholders: Vrooli's templates mark what a scenario author must replace
 * with `UPPER_SNAKE_PLACEHOLDER` tokens (`SCENARIO_ID_PLACEHOLDER`, `$INITIAL_REVENUE_PLACEHOLDER`).
 * Runtime templates such as `{{ API_PORT }}` or `${service.vrooli.url}` are legitimate and not
 * matched.
 */
export const PLACEHOLDER = /\b[A-Z0-9]+(?:_[A-Z0-9]+)*_PLACEHOLDER\b/g;
/** The 2026 templates' style: `{{SCENARIO_ID}}` (upper snake case, no spaces, unlike runtime `{{ x }}`). */
export const MUSTACHE_PLACEHOLDER = /\{\{[A-Z][A-Z0-9_]*\}\}/g;

/** At most this many placeholder findings per file; a summary line covers the rest. */
const MAX_PER_FILE = 25;

const HINT = "Replace the template placeholder with the scenario's real value.";

function report(
  list: FindingList,
  file: string,
  severity: Severity,
  found: Map<string, string | undefined>,
): void {
  let n = 0;
  for (const [token, at] of found) {
    if (n++ >= MAX_PER_FILE) break;
    list.add({
      severity,
      ruleId: 'placeholder.unfilled',
      file,
      ...(at === undefined ? {} : { jsonPath: at }),
      message: `Unfilled template placeholder ${token} in ${file}.`,
      hint: HINT,
    });
  }
  if (found.size > MAX_PER_FILE) {
    list.add({
      severity,
      ruleId: 'placeholder.unfilled',
      file,
      message: `${found.size - MAX_PER_FILE} more distinct placeholders in ${file}.`,
      hint: HINT,
    });
  }
}

/** Reports each distinct placeholder token in a parsed JSON document, at its first JSON path. */
export function checkJsonPlaceholders(
  list: FindingList,
  file: string,
  value: unknown,
  severity: Severity = 'error',
  patterns: readonly RegExp[] = [PLACEHOLDER],
): void {
  const found = new Map<string, string | undefined>();
  eachString(value, (s, at) => {
    for (const re of patterns)
      for (const m of s.matchAll(re)) if (!found.has(m[0])) found.set(m[0], jsonPath(at));
  });
  report(list, file, severity, found);
}

/** Reports each distinct placeholder token in a text file. */
export function checkTextPlaceholders(
  list: FindingList,
  file: string,
  text: string,
  severity: Severity = 'error',
): void {
  const found = new Map<string, string | undefined>();
  for (const m of text.matchAll(PLACEHOLDER)) if (!found.has(m[0])) found.set(m[0], undefined);
  report(list, file, severity, found);
}
