import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { FindingList } from '../findings.ts';
import { lexicalRelative } from '../paths.ts';
import type { ScenarioContext, Severity } from '../types.ts';

/**
 * What `deployment/startup.sh` imports. Scenarios of 2025 loaded their data with it: SQL files
 * by path (`psql -f "$SCENARIO_DIR/initialization/storage/schema.sql"`) and whole folders of
 * workflows (`for f in "$SCENARIO_DIR"/initialization/automation/n8n/*.json`). A file it loads
 * must exist; a folder it imports is read whole, so every JSON file in it counts as imported.
 */

export const STARTUP = 'deployment/startup.sh';
const MAX_BYTES = 1024 * 1024;

export interface StartupImports {
  /** Files the script loads by path (scenario-relative). */
  files: string[];
  /** Folders whose `*.json` (or other globbed) files it loads. */
  dirs: string[];
}

/** Scenario-relative paths: after `$SCENARIO_DIR/`, `$SCRIPT_DIR/../`, or standing alone. */
const PATH_TOKEN =
  /(?:\$\{?(?:SCENARIO_DIR|SCENARIO_PATH|SCENARIO_ROOT)\}?"?\/|\$\{?SCRIPT_DIR\}?"?\/\.\.\/|(?<![\w/.$}-])(?:\.\/)?)((?:initialization|deployment)\/[^\s"'`;|&()<>]*)/g;
/** `local name="` right before a path token: the path is assigned to a variable. */
const ASSIGNED_TO = /(?:^|[\s;])([A-Za-z_]\w*)=["']?$/;

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

interface Token {
  rel: string;
  line: number;
  variable: string | null;
}

function readTokens(text: string): Token[] {
  const tokens: Token[] = [];
  text.split('\n').forEach((raw, i) => {
    if (/^\s*#/.test(raw)) return;
    for (const m of raw.matchAll(PATH_TOKEN)) {
      const assigned = ASSIGNED_TO.exec(raw.slice(0, m.index));
      tokens.push({ rel: m[1]!.replace(/\/+$/, ''), line: i + 1, variable: assigned?.[1] ?? null });
    }
  });
  return tokens;
}

/**
 * True when the script tests that the path (or the variable holding it) exists before using it
 * (`[[ -f "$schema" ]]`); `[ ! -f … ]` usually reports the file missing and fails, so it is not
 * counted.
 */
function guarded(text: string, t: Token): boolean {
  const test = '(?:\\[\\[?|\\btest)\\s+-[efrsd]\\s+["\']?';
  if (new RegExp(`${test}[^"'\\s]*${escape(t.rel)}`).test(text)) return true;
  return t.variable !== null && new RegExp(`${test}\\$\\{?${t.variable}\\}?\\b`).test(text);
}

/** A folder the script globs, directly (`dir/*.json`) or through a variable (`"$dir"/*.json`). */
function globbedDirs(text: string, tokens: readonly Token[]): string[] {
  const dirs: string[] = [];
  for (const t of tokens) {
    const star = t.rel.indexOf('*');
    if (star !== -1) dirs.push(t.rel.slice(0, t.rel.lastIndexOf('/', star)));
    else if (t.variable !== null && new RegExp(`\\$\\{?${t.variable}\\}?"?/\\*`).test(text))
      dirs.push(t.rel);
  }
  return [...new Set(dirs.filter((d) => lexicalRelative(d).ok))];
}

async function exists(abs: string): Promise<'file' | 'dir' | null> {
  const st = await stat(abs).catch(() => null);
  return st === null ? null : st.isDirectory() ? 'dir' : 'file';
}

/** Checks the files deployment/startup.sh loads and returns what it imports. */
export async function checkStartupImports(
  ctx: ScenarioContext,
  list: FindingList,
  severity: Severity,
): Promise<StartupImports> {
  const abs = path.join(ctx.dir, STARTUP);
  const st = await stat(abs).catch(() => null);
  if (!st?.isFile() || st.size > MAX_BYTES) return { files: [], dirs: [] };
  const text = await readFile(abs, 'utf8');
  const tokens = readTokens(text);
  const dirs = globbedDirs(text, tokens);
  const files: string[] = [];
  const reported = new Set<string>();
  for (const t of tokens) {
    if (t.rel.includes('*') || t.rel.includes('$') || !/\.[A-Za-z0-9]+$/.test(t.rel)) continue;
    const lex = lexicalRelative(t.rel);
    if (!lex.ok) continue;
    if ((await exists(path.join(ctx.dir, lex.rel))) === 'file') {
      files.push(lex.rel);
      continue;
    }
    if (reported.has(lex.rel)) continue;
    reported.add(lex.rel);
    const soft = guarded(text, t);
    list.add({
      severity: soft ? 'warning' : severity,
      ruleId: 'startup.file-missing',
      message: `${STARTUP} (line ${t.line}) loads ${lex.rel}, which does not exist${soft ? '; the script skips it, so it is never loaded' : ''}.`,
      file: STARTUP,
      hint: `Create ${lex.rel} or remove it from ${STARTUP}.`,
    });
  }
  for (const d of dirs) {
    if ((await exists(path.join(ctx.dir, d))) === 'dir') continue;
    list.warning(
      'startup.dir-missing',
      `${STARTUP} imports the folder ${d}/, which does not exist: it imports nothing.`,
      {
        file: STARTUP,
        hint: `Put the files in ${d}/ or fix the path in ${STARTUP}.`,
      },
    );
  }
  return { files: [...new Set(files)], dirs };
}
