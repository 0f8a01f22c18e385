import type { FindingList } from '../findings.ts';
import { isObject, jsonPath, typeName } from '../json.ts';
import type { Severity } from '../types.ts';
import {
  CATEGORIES,
  CATEGORY_SET,
  checkEnabledFlag,
  collectResourceRefs,
  resourcesObject,
  type ResourceRefs,
} from './resources.ts';

/**
 * Categorised resources (2025-08-07: `resources.storage.postgres`). Vrooli's injection engine
 * (scripts/scenarios/injection/engine.sh) looked a resource up as `resources.<category>.<name>`
 * and read its `initialization` as an object: `.data` for postgres, `.workflows` for n8n,
 * `.apps`/`.scripts` for windmill, `.flows` for node-red, `.buckets`/`.files` for minio,
 * `.collections`/`.vectors` for qdrant.
 */

export interface CategorisedPolicy {
  /** How an `initialization` array (which the engine skips) is judged; null: not checked. */
  arrayInitialization: Severity | null;
}

/** What the engine reads from each resource's initialization object. */
const INIT_KEYS: Record<string, string> = {
  postgres: 'data',
  n8n: 'workflows',
  windmill: 'apps',
  'node-red': 'flows',
  minio: 'buckets',
  qdrant: 'collections',
};

type Block = 'category' | 'resource' | 'other';

/** A category holds resource objects; a block with its own flag or initialization is a resource. */
function classify(value: Record<string, unknown>): Block {
  if (typeof value['enabled'] === 'boolean' || value['initialization'] !== undefined)
    return 'resource';
  return Object.values(value).some(isObject) ? 'category' : 'other';
}

function checkInitializationShape(
  list: FindingList,
  file: string,
  name: string,
  res: Record<string, unknown>,
  at: (string | number)[],
  severity: Severity,
): void {
  if (!Array.isArray(res['initialization'])) return;
  const key = INIT_KEYS[name] ?? 'data';
  list.add({
    severity,
    ruleId: 'resources.initialization-array',
    message: `${at.join('.')}.initialization is an array; Vrooli's injection engine reads initialization.${key} from an object, so it would skip this silently and inject nothing.`,
    file,
    jsonPath: jsonPath([...at, 'initialization']),
    hint: `Write "initialization": { "${key}": [ … ] } (the array's entries go inside).`,
  });
}

/**
 * Every category holding resource objects is accepted (an unknown one with a warning); a block
 * that is no category (`ui`, a list of names) is a warning; a resource outside any category
 * that carries initialization is an error, because the engine never finds it.
 */
export function checkCategorisedResources(
  list: FindingList,
  file: string,
  sj: Record<string, unknown>,
  policy: CategorisedPolicy,
): ResourceRefs {
  const refs: ResourceRefs = { files: [], names: [] };
  const resources = resourcesObject(list, file, sj['resources']);
  if (!resources) return refs;
  let enabled = 0;
  for (const [category, group] of Object.entries(resources)) {
    const where = { file, jsonPath: jsonPath(['resources', category]) };
    const kind: Block = isObject(group) ? classify(group) : 'other';
    if (kind === 'resource' && isObject(group) && group['initialization'] !== undefined) {
      list.error(
        'resources.category',
        `resources.${category} is a resource outside any category; Vrooli looks resources up as resources.<category>.<name> and would skip its initialization.`,
        { ...where, hint: `Group it under a category, e.g. resources.storage.${category}.` },
      );
      continue;
    }
    if (kind !== 'category' || !isObject(group)) {
      list.warning(
        'resources.not-a-category',
        `resources.${category} is ${typeName(group)} that holds no resources; Vrooli ignores it.`,
        {
          ...where,
          hint: `Move it out of resources, or group resources as resources.<category>.<name>.`,
        },
      );
      continue;
    }
    if (!CATEGORY_SET.has(category)) {
      list.warning(
        'resources.category-unknown',
        `resources.${category} is not one of Vrooli's resource categories (${CATEGORIES.join(', ')}); its resources are checked as usual.`,
        where,
      );
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
      if (policy.arrayInitialization)
        checkInitializationShape(list, file, name, res, at, policy.arrayInitialization);
      collectResourceRefs(refs, res, at);
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
