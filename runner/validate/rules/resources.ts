import type { FindingList } from '../findings.ts';
import { isObject, jsonPath, typeName } from '../json.ts';
import { initializationRefs, type FileRef } from './references.ts';

/**
 * The two resource layouts: categorised (2025-08-07: `resources.storage.postgres`) and flat
 * (2025-08-29: `resources.postgres`). Both return the file references of enabled resources.
 */

export const CATEGORIES = ['storage', 'ai', 'automation', 'agents', 'execution'] as const;
const CATEGORY_SET: ReadonlySet<string> = new Set(CATEGORIES);

function checkEnabledFlag(
  list: FindingList,
  file: string,
  res: Record<string, unknown>,
  at: (string | number)[],
): void {
  if (res['enabled'] === undefined) {
    list.warning(
      'resources.enabled-missing',
      `${at.join('.')} has no "enabled" flag; it counts as disabled.`,
      {
        file,
        jsonPath: jsonPath(at),
        hint: 'Add "enabled": true or false.',
      },
    );
  } else if (typeof res['enabled'] !== 'boolean') {
    list.error(
      'resources.enabled',
      `${at.join('.')}.enabled must be true or false, not ${typeName(res['enabled'])}.`,
      {
        file,
        jsonPath: jsonPath([...at, 'enabled']),
      },
    );
  }
}

function resourcesObject(
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
 * Categorised resources: every key a known category, every entry an object with an `enabled`
 * flag, at least one enabled. Returns the initialization references of enabled resources.
 */
export function checkCategorisedResources(
  list: FindingList,
  file: string,
  sj: Record<string, unknown>,
): FileRef[] {
  const resources = resourcesObject(list, file, sj['resources']);
  if (!resources) return [];
  const refs: FileRef[] = [];
  let enabled = 0;
  for (const [category, group] of Object.entries(resources)) {
    if (!CATEGORY_SET.has(category)) {
      list.error(
        'resources.category',
        `resources.${category} is not a resource category (${CATEGORIES.join(', ')}).`,
        {
          file,
          jsonPath: jsonPath(['resources', category]),
          hint: `Group resources by category, e.g. resources.storage.postgres.`,
        },
      );
      continue;
    }
    if (!isObject(group)) {
      list.error(
        'resources.shape',
        `resources.${category} must be an object, not ${typeName(group)}.`,
        {
          file,
          jsonPath: jsonPath(['resources', category]),
        },
      );
      continue;
    }
    for (const [name, res] of Object.entries(group)) {
      const at = ['resources', category, name];
      if (!isObject(res)) {
        list.error('resources.shape', `${at.join('.')} must be an object, not ${typeName(res)}.`, {
          file,
          jsonPath: jsonPath(at),
        });
        continue;
      }
      checkEnabledFlag(list, file, res, at);
      if (res['enabled'] !== true) continue;
      enabled++;
      if (res['initialization'] !== undefined)
        refs.push(...initializationRefs(res['initialization'], [...at, 'initialization']));
    }
  }
  if (enabled === 0) {
    list.error('resources.none-enabled', 'No resource is enabled.', {
      file,
      jsonPath: '$.resources',
      hint: 'Enable at least one resource, e.g. resources.storage.postgres.enabled = true.',
    });
  }
  return refs;
}

/**
 * Flat resources: `resources.<name>` objects. A key that looks like a 2025-08-07 category
 * holding resource objects is flagged as the older layout. Returns enabled resources' references.
 */
export function checkFlatResources(
  list: FindingList,
  file: string,
  sj: Record<string, unknown>,
): FileRef[] {
  const value = sj['resources'];
  if (value === undefined) {
    list.warning(
      'resources.missing',
      'No resources object: the scenario uses no local resources.',
      { file, jsonPath: '$.resources' },
    );
    return [];
  }
  const resources = resourcesObject(list, file, value);
  if (!resources) return [];
  const refs: FileRef[] = [];
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
    if (
      CATEGORY_SET.has(name) &&
      res['enabled'] === undefined &&
      Object.values(res).some(isObject)
    ) {
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
    if (res['enabled'] === true && res['initialization'] !== undefined) {
      refs.push(...initializationRefs(res['initialization'], [...at, 'initialization']));
    }
  }
  return refs;
}
