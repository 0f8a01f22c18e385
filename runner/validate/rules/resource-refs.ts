import { isObject, jsonPath } from '../json.ts';
import { PATH_LIKE, type FileRef } from './references.ts';

/**
 * References a resource makes outside `initialization.*.file`: lists under
 * `resources.*.config.{workflows,scripts,flows,apps}`, the same lists on the resource itself
 * (`"n8n": { "workflows": ["prompt-backup"] }`), and workflows named without a path, which the
 * scenario's startup script or injector finds by name in its initialization folders.
 */

export const LIST_KEYS = ['workflows', 'scripts', 'flows', 'apps'] as const;
export type ListKey = (typeof LIST_KEYS)[number];

/** A file referenced by its name only: `"prompt-backup"` for `…/prompt-backup.json`. */
export interface NameRef {
  name: string;
  list: ListKey;
  jsonPath: string;
}

const NAME = /^[A-Za-z0-9][\w.-]*$/;

function fromList(
  items: unknown,
  list: ListKey,
  at: (string | number)[],
  withFiles: boolean,
  out: { files: FileRef[]; names: NameRef[] },
): void {
  if (!Array.isArray(items)) return;
  items.forEach((item, i) => {
    const here = jsonPath([...at, i]);
    if (typeof item === 'string') {
      if (!item.includes('/')) {
        if (NAME.test(item)) out.names.push({ name: item, list, jsonPath: here });
      } else if (withFiles && PATH_LIKE.test(item)) {
        out.files.push({ ref: item, kind: 'file', jsonPath: here });
      }
    } else if (withFiles && isObject(item) && typeof item['file'] === 'string') {
      out.files.push({ ref: item['file'], kind: 'file', jsonPath: jsonPath([...at, i, 'file']) });
    }
  });
}

/**
 * Collects one resource's list references. Paths inside `initialization` are collected by
 * initializationRefs; here only the names in its lists are added.
 */
export function resourceListRefs(
  res: Record<string, unknown>,
  at: (string | number)[],
): { files: FileRef[]; names: NameRef[] } {
  const out = { files: [] as FileRef[], names: [] as NameRef[] };
  const config = res['config'];
  const init = res['initialization'];
  for (const key of LIST_KEYS) {
    fromList(res[key], key, [...at, key], true, out);
    if (isObject(config)) fromList(config[key], key, [...at, 'config', key], true, out);
    if (isObject(init)) fromList(init[key], key, [...at, 'initialization', key], false, out);
  }
  return out;
}
