import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { FindingInput } from '../../validate/types.ts';
import type { ScratchPostgres } from '../resources/providers.ts';
import { lineAt, lineOfOffset, splitSql } from './sql-split.ts';

/**
 * Applies SQL files to the scratch database as the scratch role, in order, stopping at the first
 * that fails. A failure becomes a finding naming the file and line: from the server's position
 * when it gives one, else by re-running the file's statements one at a time (rolled back) to find
 * the one that fails.
 */

export interface SqlApplied {
  ok: boolean;
  findings: FindingInput[];
  /** One line per file, for the step's output. */
  lines: string[];
}

const MAX_SQL_BYTES = 20 * 1024 * 1024;

/** Applies `files` (scenario-relative) from `dir` in order; stops at the first failure. */
export async function applySqlFiles(
  pg: ScratchPostgres,
  dir: string,
  files: readonly string[],
  timeoutMs: number,
): Promise<SqlApplied> {
  const findings: FindingInput[] = [];
  const lines: string[] = [];
  for (const [i, file] of files.entries()) {
    const text = await readFile(path.join(dir, file), 'utf8').catch(() => null);
    if (text === null || Buffer.byteLength(text) > MAX_SQL_BYTES) {
      findings.push({
        severity: 'error',
        ruleId: 'runtime.sql.unreadable',
        file,
        message:
          text === null
            ? `${file} is referenced as initialisation SQL but cannot be read.`
            : `${file} is larger than ${MAX_SQL_BYTES} bytes.`,
      });
      lines.push(`${file}: not applied`);
      return { ok: false, findings, lines };
    }
    const outcome = await pg.exec(text, timeoutMs);
    if (outcome.ok) {
      lines.push(`${file}: applied`);
      continue;
    }
    let line: number | undefined;
    let column: number | undefined;
    if (outcome.position !== undefined) ({ line, column } = lineAt(text, outcome.position));
    else {
      const statements = splitSql(text);
      const failed = await pg.locate(
        statements.map((s) => s.text),
        timeoutMs,
      );
      if (failed !== null) line = lineOfOffset(text, statements[failed]!.offset);
    }
    const at = line === undefined ? '' : ` at line ${line}${column ? `, column ${column}` : ''}`;
    const detail = outcome.detail ? ` (${outcome.detail})` : '';
    findings.push({
      severity: 'error',
      ruleId: 'runtime.sql.error',
      file,
      message: `SQL error in ${file}${at}: ${outcome.message}${detail} [SQLSTATE ${outcome.code}]`,
      hint:
        outcome.hint ??
        "The file runs as the scenario's own database owner (not a superuser) on PostgreSQL; fix the statement at that line.",
    });
    lines.push(`${file}: failed${at}: ${outcome.message}`);
    for (const rest of files.slice(i + 1)) lines.push(`${rest}: not applied`);
    return { ok: false, findings, lines };
  }
  return { ok: true, findings, lines };
}
