import { eachString, jsonPath } from '../json.ts';

/**
 * Unrendered template syntax in JSON data files. Real scenarios shipped Jinja templates named
 * `.json` (`"categories": {{ categories | tojson }}`) that nothing in Vrooli renders: its
 * injectors hand the file to the resource as it is. Expressions of the tools that own the file
 * are legitimate and not matched: n8n's `={{ $json.x }}`, Windmill's `{{ state.x }}`, and the
 * `{{SECRET}}` placeholders Vrooli substitutes itself.
 */

const JINJA_FILTERS =
  'tojson|to_json|to_nice_json|default|replace|lower|upper|title|capitalize|join|length|safe|escape|int|float|string|trim|first|last|list|dictsort|format|round|unique|sort|map|select|reject|selectattr|rejectattr|indent|truncate|urlencode|b64encode|regex_replace|quote';

/**
 * A string that is one whole Jinja expression with a filter (`{{ x | tojson }}`, not
 * JavaScript's `||`) or a conditional (`{{ "a" if x else "b" }}`): a value meant to be rendered.
 * Template syntax inside longer text (a prompt, a script) may be meant for another engine.
 */
const JINJA_VALUE = new RegExp(
  `^\\{\\{(?:[^{}]*?[^|]\\|\\s*(?:${JINJA_FILTERS})\\b[^{}]*|[^{}]*\\bif\\b[^{}]*\\belse\\b[^{}]*)\\}\\}$`,
);

const MAX_VALUE = 1000;

/** True when `{{` or `{%` appears outside JSON strings: a template, not JSON. */
export function templateOutsideStrings(text: string): boolean {
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' && (text[i + 1] === '{' || text[i + 1] === '%')) return true;
  }
  return false;
}

/** The first string of a parsed JSON value that is an unrendered Jinja value, with its path. */
export function templateInStrings(value: unknown): { at: string; snippet: string } | null {
  let found: { at: string; snippet: string } | null = null;
  eachString(value, (s, at) => {
    if (found) return;
    const t = s.trim();
    // A value meant to be rendered is short; the length bound keeps the match cheap.
    if (t.length <= MAX_VALUE && JINJA_VALUE.test(t))
      found = { at: jsonPath(at), snippet: t.slice(0, 60) };
  });
  return found;
}
