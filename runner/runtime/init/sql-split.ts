/**
 * Splits SQL text into statements at top-level semicolons — outside quotes ('…', E'…' with
 * backslash escapes, "…"), dollar quotes ($tag$…$tag$) and comments (line comments, nested
 * block comments) — and gives where each starts. Used to find the line of an error the server reported without a
 * position (a duplicate key in seed data, say).
 */

export interface SqlStatement {
  text: string;
  /** Offset (UTF-16 index) of the statement's first non-blank character in the file. */
  offset: number;
}

const DOLLAR_TAG = /^\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$/;

/** The statements of `sql`, in order; blank and comment-only pieces are dropped. */
export function splitSql(sql: string): SqlStatement[] {
  const out: SqlStatement[] = [];
  let meaningful = -1;
  const flush = (end: number): void => {
    if (meaningful >= 0) out.push({ text: sql.slice(meaningful, end).trim(), offset: meaningful });
    meaningful = -1;
  };
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    const next = sql[i + 1];
    if (c === '-' && next === '-') {
      const nl = sql.indexOf('\n', i);
      i = nl === -1 ? sql.length : nl + 1;
      continue;
    }
    if (c === '/' && next === '*') {
      let depth = 1;
      i += 2;
      while (i < sql.length && depth > 0) {
        if (sql[i] === '/' && sql[i + 1] === '*') (depth++, (i += 2));
        else if (sql[i] === '*' && sql[i + 1] === '/') (depth--, (i += 2));
        else i++;
      }
      continue;
    }
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === ';') {
      flush(i);
      i++;
      continue;
    }
    if (meaningful < 0) meaningful = i;
    if (c === "'" || c === '"') {
      const escapes = c === "'" && /[eE]/.test(sql[i - 1] ?? '') && !/\w/.test(sql[i - 2] ?? '');
      i++;
      while (i < sql.length) {
        if (escapes && sql[i] === '\\') i += 2;
        else if (sql[i] === c && sql[i + 1] === c) i += 2;
        else if (sql[i] === c) break;
        else i++;
      }
      i++;
      continue;
    }
    if (c === '$') {
      const tag = DOLLAR_TAG.exec(sql.slice(i, i + 64))?.[0];
      if (tag && !/\w/.test(sql[i - 1] ?? '')) {
        const end = sql.indexOf(tag, i + tag.length);
        i = end === -1 ? sql.length : end + tag.length;
        continue;
      }
    }
    i++;
  }
  flush(sql.length);
  return out;
}

/**
 * The 1-based line and column of a 1-based character position as Postgres reports it (it counts
 * characters, not bytes or UTF-16 units).
 */
export function lineAt(sql: string, position: number): { line: number; column: number } {
  let line = 1;
  let column = 1;
  let n = 1;
  for (const ch of sql) {
    if (n >= position) break;
    if (ch === '\n') {
      line++;
      column = 1;
    } else column++;
    n++;
  }
  return { line, column };
}

/** The 1-based line of a UTF-16 offset. */
export function lineOfOffset(sql: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < sql.length; i++) if (sql[i] === '\n') line++;
  return line;
}
