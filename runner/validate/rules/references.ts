import { isObject, jsonPath } from '../json.ts';

/**
 * Where a service.json points at files of the scenario. Collecting is pure (JSON in, list out);
 * checking them on disk is files.ts's job.
 */

export type RefKind =
  /** A data file that must exist: `initialization` entries, deployment tasks' `file`. */
  | 'file'
  /** A deployment task's `script`. */
  | 'script'
  /** A deployment task's `config` (usually a folder). */
  | 'config';

export interface FileRef {
  ref: string;
  kind: RefKind;
  jsonPath: string;
}

/** A bare string in a reference list counts as a file when it looks like `dir/name.ext`. */
export const PATH_LIKE = /^[^\s:]+\/[^\s:]*\.[A-Za-z0-9]+$/;

/**
 * Collects the files one resource's `initialization` value references: every `file` member at
 * any depth, and bare path-like strings in its lists (`"workflows": ["initialization/a.json"]`).
 */
export function initializationRefs(init: unknown, basePath: (string | number)[]): FileRef[] {
  const refs: FileRef[] = [];
  const walk = (value: unknown, at: (string | number)[]): void => {
    if (Array.isArray(value)) {
      value.forEach((item, i) => {
        if (typeof item === 'string' && PATH_LIKE.test(item))
          refs.push({ ref: item, kind: 'file', jsonPath: jsonPath([...at, i]) });
        else walk(item, [...at, i]);
      });
    } else if (isObject(value)) {
      for (const [key, item] of Object.entries(value)) {
        if (key === 'file' && typeof item === 'string')
          refs.push({ ref: item, kind: 'file', jsonPath: jsonPath([...at, key]) });
        else walk(item, [...at, key]);
      }
    }
  };
  walk(init, basePath);
  return refs;
}

/** True when a resource entry is switched on (`enabled: true`). */
export function isEnabled(resource: unknown): boolean {
  return isObject(resource) && resource['enabled'] === true;
}

/**
 * Collects `deployment.initialization.phases[].tasks[]` references: `file` (must exist),
 * `script` and `config`.
 */
export function deploymentRefs(serviceJson: Record<string, unknown>): FileRef[] {
  const refs: FileRef[] = [];
  const deployment = serviceJson['deployment'];
  if (!isObject(deployment)) return refs;
  const init = deployment['initialization'];
  if (!isObject(init) || !Array.isArray(init['phases'])) return refs;
  init['phases'].forEach((phase, p) => {
    if (!isObject(phase) || !Array.isArray(phase['tasks'])) return;
    phase['tasks'].forEach((task, t) => {
      if (!isObject(task)) return;
      const at = ['deployment', 'initialization', 'phases', p, 'tasks', t];
      for (const kind of ['file', 'script', 'config'] as const) {
        const value = task[kind];
        if (typeof value === 'string')
          refs.push({ ref: value, kind, jsonPath: jsonPath([...at, kind]) });
      }
    });
  });
  return refs;
}
