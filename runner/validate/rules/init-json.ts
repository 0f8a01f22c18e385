import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { FindingList } from '../findings.ts';
import { linesLabel, parseJsonLenient } from '../json.ts';
import type { ScenarioContext, Severity } from '../types.ts';
import { checkJsonPlaceholders } from './placeholders.ts';
import { MAX_JSON_BYTES } from './service-json.ts';
import { templateInStrings, templateOutsideStrings } from './templates.ts';
import { filesUnder, scenarioTree } from './tree.ts';

/**
 * Every JSON file under `initialization/` and `deployment/`, referenced or not. Vrooli's
 * injectors load what service.json names, and scenarios' startup scripts import whole folders
 * (`for f in …/n8n/*.json`), so a broken file that something imports breaks the deployment. A
 * broken file that nothing imports is dead weight: reported, but as a warning.
 */

export interface InitJsonScope {
  /** Files already checked as references (not checked twice). */
  checked: ReadonlySet<string>;
  /** Files imported by name or by a startup script. */
  importedFiles: ReadonlySet<string>;
  /** Folders a startup script imports whole. */
  importedDirs: readonly string[];
}

export interface InitJsonPolicy {
  /** How a problem in an imported file is judged. */
  imported: Severity;
  trailingComma: Severity;
}

const ROOTS = ['initialization', 'deployment'] as const;
const UNUSED =
  ' Nothing imports it (no reference in service.json, no import in deployment/startup.sh), so it is only a warning.';

/** Parses the JSON files under initialization/ and deployment/ and reports what is broken. */
export async function checkInitJson(
  ctx: ScenarioContext,
  list: FindingList,
  scope: InitJsonScope,
  policy: InitJsonPolicy,
): Promise<void> {
  const tree = await scenarioTree(ctx);
  const files = ROOTS.flatMap((r) => filesUnder(tree, r)).filter(
    (f) => /\.json$/i.test(f) && !scope.checked.has(f),
  );
  for (const rel of files) {
    const abs = path.join(ctx.dir, rel);
    const st = await stat(abs).catch(() => null);
    if (!st?.isFile() || st.size > MAX_JSON_BYTES) continue;
    const imported =
      scope.importedFiles.has(rel) || scope.importedDirs.includes(path.posix.dirname(rel));
    const severity: Severity = imported ? policy.imported : 'warning';
    const note = imported ? '' : UNUSED;
    const text = await readFile(abs, 'utf8');
    const parsed = parseJsonLenient(text);
    if (!parsed.ok) {
      const template = templateOutsideStrings(text);
      list.add({
        severity,
        ruleId: template ? 'json.template-syntax' : 'file.json-invalid',
        message: template
          ? `${rel} holds unrendered template syntax ({{ … }} outside strings), so it is not JSON.${note}`
          : `Invalid JSON in ${rel}: ${parsed.error}.${note}`,
        file: rel,
        hint: template
          ? 'Nothing in Vrooli renders templates in data files: write the final JSON.'
          : 'Fix the JSON syntax.',
      });
      continue;
    }
    const jinja = templateInStrings(parsed.value);
    if (jinja) {
      list.add({
        severity,
        ruleId: 'json.template-syntax',
        message: `${rel} holds unrendered template syntax (${jinja.snippet}).${note}`,
        file: rel,
        jsonPath: jinja.at,
        hint: 'Nothing in Vrooli renders templates in data files: write the final value.',
      });
    }
    if (!imported) continue;
    if (parsed.trailingCommaLines.length > 0) {
      list.add({
        severity: policy.trailingComma,
        ruleId: 'json.trailing-comma',
        file: rel,
        message: `${rel} parses only after removing trailing commas (${linesLabel(parsed.trailingCommaLines)}).`,
      });
    }
    checkJsonPlaceholders(list, rel, parsed.value, policy.imported);
  }
}
