import type { FindingList } from '../findings.ts';
import { isObject, jsonPath, typeName } from '../json.ts';
import { initializationRefs, type FileRef } from './references.ts';
import { resourceListRefs, type NameRef } from './resource-refs.ts';

/**
 * Resource entries shared by both layouts, and the flat layout (2025-08-29: `resources.postgres`).
 * The categorised layout is in resources-categorised.ts. Both return the references of enabled
 * resources.
 */

/** What enabled resources reference: files by path, and files by name. */
export interface ResourceRefs {
  files: FileRef[];
  names: NameRef[];
}

/**
 * Vrooli's resource categories of August 2025 (the folders under scripts/resources/, where its
 * injection engine looked resources up), plus the five the seed plan names.
 */
export const CATEGORIES = ['storage', 'ai', 'automation', 'agents', 'execution', 'search'] as const;
export const CATEGORY_SET: ReadonlySet<string> = new Set(CATEGORIES);

/** Warns about a missing `enabled` flag, or reports one that is not a boolean. */
export function checkEnabledFlag(
  list: FindingList,
  file: string,
  res: Record<string, unknown>,
  at: (string | number)[],
): void {
  if (res['enabled'] === undefined) {
    list.warning(
      'resources.enabled-missing',
      `${at.join('.')} has no "enabled" flag; it counts as disabled.`,
      { file, jsonPath: jsonPath(at), hint: 'Add "enabled": true or false.' },
    );
  } else if (typeof res['enabled'] !== 'boolean') {
    list.error(
      'resources.enabled',
      `${at.join('.')}.enabled must be true or false, not ${typeName(res['enabled'])}.`,
      { file, jsonPath: jsonPath([...at, 'enabled']) },
    );
  }
}

/** Adds an enabled resource's references (initialization files, lists, names) to `refs`. */
export function collectResourceRefs(
  refs: ResourceRefs,
  res: Record<string, unknown>,
  at: (string | number)[],
): void {
  if (res['initialization'] !== undefined)
    refs.files.push(...initializationRefs(res['initialization'], [...at, 'initialization']));
  const lists = resourceListRefs(res, at);
  refs.files.push(...lists.files);
  refs.names.push(...lists.names);
}

/** The `resources` object, or null (with a finding) when it is missing or not an object. */
export function resourcesObject(
  list: FindingList,
  file: string,
  value: unknown,
): Record<string, unknown> | null {
  if (value === undefined) {
    list.error('resources.missing', 'The resources object is required.', {
      file,
      jsonPath: '$.resources',
    });
    return null;
  }
  if (!isObject(value)) {
    list.error('resources.shape', `resources must be an object, not ${typeName(value)}.`, {
      file,
      jsonPath: '$.resources',
    });
    return null;
  }
  return value;
}

/**
 * Flat resources: `resources.<name>` objects. A key holding resource objects but no `enabled`
 * flag of its own is flagged as the older categorised layout.
 */
export function checkFlatResources(
  list: FindingList,
  file: string,
  sj: Record<string, unknown>,
): ResourceRefs {
  const refs: ResourceRefs = { files: [], names: [] };
  const value = sj['resources'];
  if (value === undefined) {
    list.warning(
      'resources.missing',
      'No resources object: the scenario uses no local resources.',
      { file, jsonPath: '$.resources' },
    );
    return refs;
  }
  const resources = resourcesObject(list, file, value);
  if (!resources) return refs;
  for (const [name, res] of Object.entries(resources)) {
    const at = ['resources', name];
    if (!isObject(res)) {
      list.error('resources.shape', `resources.${name} must be an object, not ${typeName(res)}.`, {
        file,
        jsonPath: jsonPath(at),
        hint: 'Describe each resource as "resources": { "<name>": { "enabled": true, ... } }.',
      });
      continue;
    }
    const looksCategorised =
      res['enabled'] === undefined &&
      res['initialization'] === undefined &&
      Object.values(res).some(isObject);
    if (looksCategorised && (CATEGORY_SET.has(name) || Object.values(res).every(isObject))) {
      list.warning(
        'resources.categorised',
        `resources.${name} looks like the older categorised layout; this format lists resources flat.`,
        {
          file,
          jsonPath: jsonPath(at),
          hint: `Move its entries up: resources.${name}.<x> → resources.<x>.`,
        },
      );
      continue;
    }
    checkEnabledFlag(list, file, res, at);
    if (res['enabled'] === true) collectResourceRefs(refs, res, at);
  }
  return refs;
}
