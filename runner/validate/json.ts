/**
 * JSON reading as Vrooli's tools of 2025 did it: strict first, then — because
 * `scenario-to-app.sh` stripped trailing commas before parsing — once more without them, so the
 * caller can say "parses only after removing trailing commas".
 */

export type JsonParse =
  | { ok: true; value: unknown; trailingCommaLines: number[]; bom: boolean }
  | { ok: false; error: string; trailingCommaLines: number[]; bom: boolean };

/**
 * Removes commas that directly precede `}` or `]` (outside strings) and reports the 1-based
 * lines they were on.
 */
export function stripTrailingCommas(text: string): { text: string; lines: number[] } {
  let out = '';
  const lines: number[] = [];
  let line = 1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\n') line++;
    if (inString) {
      out += c;
      if (c === '\\') {
        out += text[i + 1] ?? '';
        i++;
      } else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    if (c === ',') {
      let j = i + 1;
      while (j < text.length && /\s/.test(text[j]!)) j++;
      if (text[j] === '}' || text[j] === ']') {
        lines.push(line);
        continue;
      }
    }
    out += c;
  }
  return { text: out, lines };
}

/** Parses JSON text, noting a byte-order mark and whether trailing commas had to be removed. */
export function parseJsonLenient(raw: string): JsonParse {
  const bom = raw.charCodeAt(0) === 0xfeff;
  const text = bom ? raw.slice(1) : raw;
  try {
    return { ok: true, value: JSON.parse(text), trailingCommaLines: [], bom };
  } catch (e) {
    const strictError = e instanceof Error ? e.message : String(e);
    const stripped = stripTrailingCommas(text);
    if (stripped.lines.length > 0) {
      try {
        return {
          ok: true,
          value: JSON.parse(stripped.text),
          trailingCommaLines: stripped.lines,
          bom,
        };
      } catch (e2) {
        const error = e2 instanceof Error ? e2.message : String(e2);
        return { ok: false, error, trailingCommaLines: stripped.lines, bom };
      }
    }
    return { ok: false, error: strictError, trailingCommaLines: [], bom };
  }
}

/** `line 3` or `lines 3, 7`. */
export function linesLabel(lines: readonly number[]): string {
  return `line${lines.length === 1 ? '' : 's'} ${lines.join(', ')}`;
}

const IDENT = /^[A-Za-z_$][\w$]*$/;

/** Formats a path of keys and indices as JSONPath: `$.ports.api["env_var"]`-style where needed. */
export function jsonPath(parts: readonly (string | number)[]): string {
  let s = '$';
  for (const p of parts) {
    if (typeof p === 'number') s += `[${p}]`;
    else if (IDENT.test(p)) s += `.${p}`;
    else s += `[${JSON.stringify(p)}]`;
  }
  return s;
}

/** True for a plain JSON object (not an array, not null). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Describes a JSON value's type the way error messages should name it. */
export function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

/**
 * Visits every string in a JSON value with its path. Stops descending past `maxNodes` nodes so a
 * hostile document cannot make the walk unbounded.
 */
export function eachString(
  value: unknown,
  visit: (s: string, path: (string | number)[]) => void,
  maxNodes = 200_000,
): void {
  let budget = maxNodes;
  const walk = (v: unknown, path: (string | number)[]): void => {
    if (budget-- <= 0) return;
    if (typeof v === 'string') visit(v, path);
    else if (Array.isArray(v)) v.forEach((item, i) => walk(item, [...path, i]));
    else if (isObject(v)) for (const [k, item] of Object.entries(v)) walk(item, [...path, k]);
  };
  walk(value, []);
}
