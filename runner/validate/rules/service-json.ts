import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { FindingList } from '../findings.ts';
import { isObject, linesLabel, parseJsonLenient, typeName } from '../json.ts';
import type { ScenarioContext, Severity } from '../types.ts';

/** The largest JSON file the rules read (a service.json is a few kilobytes). */
export const MAX_JSON_BYTES = 5 * 1024 * 1024;

export interface LoadedServiceJson {
  /** Relative path of the file the rules read: `.vrooli/service.json` or `service.json`. */
  file: string;
  value: Record<string, unknown>;
}

export interface ServiceJsonPolicy {
  /** How a root `service.json` (without `.vrooli/service.json`) is judged. */
  rootLocation: Severity;
  /** How JSON that parses only without its trailing commas is judged. */
  trailingComma: Severity;
}

async function size(abs: string): Promise<number | null> {
  return stat(abs).then(
    (s) => (s.isFile() ? s.size : null),
    () => null,
  );
}

/**
 * Finds and parses the scenario's service.json. Records what it finds (location, JSON syntax,
 * trailing commas, shape) and returns the parsed object, or null when there is nothing to check.
 */
export async function loadServiceJson(
  ctx: ScenarioContext,
  list: FindingList,
  policy: ServiceJsonPolicy,
): Promise<LoadedServiceJson | null> {
  const preferred = '.vrooli/service.json';
  const legacy = 'service.json';
  const preferredSize = await size(path.join(ctx.dir, preferred));
  const legacySize = await size(path.join(ctx.dir, legacy));
  let file: string;
  let bytes: number;
  if (preferredSize !== null) {
    file = preferred;
    bytes = preferredSize;
    if (legacySize !== null) {
      list.info(
        'service-json.legacy-root',
        'A root service.json exists too; .vrooli/service.json is the one read.',
        {
          file: legacy,
        },
      );
    }
  } else if (legacySize !== null) {
    file = legacy;
    bytes = legacySize;
    list.add({
      severity: policy.rootLocation,
      ruleId: 'service-json.location',
      file: legacy,
      message: 'service.json is at the scenario root; this format expects .vrooli/service.json.',
      hint: 'Move service.json to .vrooli/service.json.',
    });
  } else {
    list.error(
      'service-json.missing',
      'service.json not found (looked for .vrooli/service.json and service.json).',
      {
        hint: 'Create .vrooli/service.json describing the scenario.',
      },
    );
    return null;
  }
  if (bytes > MAX_JSON_BYTES) {
    list.error(
      'service-json.too-large',
      `${file} is ${bytes} bytes; the limit is ${MAX_JSON_BYTES}.`,
      { file },
    );
    return null;
  }
  const parsed = parseJsonLenient(await readFile(path.join(ctx.dir, file), 'utf8'));
  if (parsed.bom)
    list.warning('json.bom', `${file} starts with a byte-order mark.`, {
      file,
      hint: 'Save the file as UTF-8 without BOM.',
    });
  if (!parsed.ok) {
    list.error('json.syntax', `Invalid JSON in ${file}: ${parsed.error}`, {
      file,
      hint: 'Check for missing quotes, unmatched brackets or braces, and invalid escapes.',
    });
    return null;
  }
  if (parsed.trailingCommaLines.length > 0) {
    list.add({
      severity: policy.trailingComma,
      ruleId: 'json.trailing-comma',
      file,
      message: `${file} parses only after removing trailing commas (${linesLabel(parsed.trailingCommaLines)}).`,
      hint: 'Remove the commas before closing braces and brackets.',
    });
  }
  if (!isObject(parsed.value)) {
    list.error(
      'service-json.shape',
      `${file} must hold a JSON object, not ${typeName(parsed.value)}.`,
      { file, jsonPath: '$' },
    );
    return null;
  }
  return { file, value: parsed.value };
}
