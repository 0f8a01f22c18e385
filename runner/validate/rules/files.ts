import { readFile, stat } from 'node:fs/promises';
import type { FindingList } from '../findings.ts';
import { linesLabel, parseJsonLenient } from '../json.ts';
import { resolveReference, type Resolved } from '../paths.ts';
import type { ScenarioContext, Severity } from '../types.ts';
import { checkJsonPlaceholders, checkTextPlaceholders } from './placeholders.ts';
import type { FileRef } from './references.ts';
import { MAX_JSON_BYTES } from './service-json.ts';
import { templateInStrings, templateOutsideStrings } from './templates.ts';

/** Files are checked this many at a time: enough to hide latency, few enough to spare descriptors. */
const CONCURRENCY = 32;

export interface FileCheckPolicy {
  trailingComma: Severity;
  /** How a missing `file` reference is judged. Default error. */
  missingFile?: Severity;
}

interface Outcome {
  ref: FileRef;
  resolved: Resolved;
  isDir: boolean;
  text: string | null;
  size: number;
}

async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** Keeps the first reference of each (kind, path): one missing file is one finding. */
function dedupe(refs: readonly FileRef[]): FileRef[] {
  const seen = new Set<string>();
  const out: FileRef[] = [];
  for (const r of refs) {
    const key = `${r.kind}\0${r.ref.replace(/^\.\//, '')}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(r);
  }
  return out;
}

async function inspect(ctx: ScenarioContext, ref: FileRef): Promise<Outcome> {
  const resolved = await resolveReference(ctx.dir, ref.ref);
  if (resolved.kind !== 'inside') return { ref, resolved, isDir: false, text: null, size: 0 };
  const st = await stat(resolved.abs);
  const wantsContent =
    ref.kind === 'file' &&
    st.isFile() &&
    st.size <= MAX_JSON_BYTES &&
    /\.(json|sql)$/i.test(resolved.rel);
  const text = wantsContent ? await readFile(resolved.abs, 'utf8') : null;
  return { ref, resolved, isDir: st.isDirectory(), text, size: st.size };
}

function sqlIsEmpty(text: string): boolean {
  return (
    text
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/--[^\n]*/g, '')
      .trim() === ''
  );
}

/**
 * Checks every referenced path: inside the scenario, present, of the right kind; JSON files
 * parse, SQL files are not empty, neither holds an unfilled template placeholder. Missing
 * `file` references are errors; a missing deployment `script` or `config` is a warning, because
 * scenarios Vrooli ran listed such tasks without shipping them. Returns the paths whose content
 * was checked, so other rules do not check them again.
 */
export async function checkReferences(
  ctx: ScenarioContext,
  list: FindingList,
  file: string,
  refs: readonly FileRef[],
  policy: FileCheckPolicy,
): Promise<Set<string>> {
  const checked = new Set<string>();
  const outcomes = await mapLimit(dedupe(refs), CONCURRENCY, (r) => inspect(ctx, r));
  for (const { ref, resolved, isDir, text } of outcomes) {
    const where = { file, jsonPath: ref.jsonPath };
    if (resolved.kind === 'escape') {
      list.error(
        'file.escape',
        `Referenced path ${JSON.stringify(ref.ref)} leaves the scenario folder (${resolved.reason}).`,
        {
          ...where,
          hint: 'Reference files by a path relative to the scenario folder, inside it.',
        },
      );
      continue;
    }
    if (resolved.kind === 'missing') {
      const what = resolved.dangling ? ' (a dangling symlink)' : '';
      if (ref.kind === 'file') {
        list.add({
          severity: policy.missingFile ?? 'error',
          ruleId: 'file.missing',
          message: `Referenced file not found: ${resolved.rel}${what}`,
          ...where,
          hint: `Create ${resolved.rel} or remove the reference.`,
        });
      } else {
        list.warning(
          `deployment.${ref.kind}-missing`,
          `Deployment ${ref.kind} not found: ${resolved.rel}${what}`,
          where,
        );
      }
      continue;
    }
    if (ref.kind === 'file' && isDir) {
      list.error('file.not-a-file', `Referenced file is a folder: ${resolved.rel}`, where);
      continue;
    }
    if (text === null) continue;
    checked.add(resolved.rel);
    if (/\.json$/i.test(resolved.rel)) {
      const parsed = parseJsonLenient(text);
      if (!parsed.ok) {
        if (templateOutsideStrings(text)) {
          list.error(
            'json.template-syntax',
            `${resolved.rel} holds unrendered template syntax ({{ … }} outside strings), so it is not JSON.`,
            {
              file: resolved.rel,
              hint: 'Nothing in Vrooli renders templates in data files: write the final JSON.',
            },
          );
        } else {
          list.error('file.json-invalid', `Invalid JSON in ${resolved.rel}: ${parsed.error}`, {
            file: resolved.rel,
            hint: 'Fix the JSON syntax.',
          });
        }
        continue;
      }
      const jinja = templateInStrings(parsed.value);
      if (jinja) {
        list.error(
          'json.template-syntax',
          `${resolved.rel} holds unrendered template syntax (${jinja.snippet}).`,
          {
            file: resolved.rel,
            jsonPath: jinja.at,
            hint: 'Nothing in Vrooli renders templates in data files: write the final value.',
          },
        );
      }
      if (parsed.trailingCommaLines.length > 0) {
        list.add({
          severity: policy.trailingComma,
          ruleId: 'json.trailing-comma',
          file: resolved.rel,
          message: `${resolved.rel} parses only after removing trailing commas (${linesLabel(parsed.trailingCommaLines)}).`,
        });
      }
      checkJsonPlaceholders(list, resolved.rel, parsed.value);
    } else {
      if (sqlIsEmpty(text)) {
        list.error('file.sql-empty', `SQL file is empty: ${resolved.rel}`, {
          ...where,
          hint: 'Write the schema or seed statements, or drop the reference.',
        });
      }
      checkTextPlaceholders(list, resolved.rel, text);
    }
  }
  return checked;
}
