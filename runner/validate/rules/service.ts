import type { FindingList } from '../findings.ts';
import { isObject, jsonPath, typeName } from '../json.ts';
import type { ScenarioContext, Severity } from '../types.ts';
import { checkValue, kebabString, semverString } from './fields.ts';
import type { LoadedServiceJson } from './service-json.ts';

export interface ServiceBlockPolicy {
  /** How a `service.name` that differs from the folder's name is judged. */
  nameMismatch: Severity;
  /** Whether `service.type` must be present (a non-empty kebab-case string, no fixed list). */
  requireType: boolean;
}

/**
 * The `service` object: name (kebab-case, compared with the folder's name), version (semver)
 * and, where the era required it, type.
 */
export function checkServiceBlock(
  ctx: ScenarioContext,
  list: FindingList,
  sj: LoadedServiceJson,
  policy: ServiceBlockPolicy,
): void {
  const { file } = sj;
  const service = sj.value['service'];
  if (!isObject(service)) {
    list.error(
      'service.missing',
      service === undefined
        ? 'The service object is required.'
        : `service must be an object, not ${typeName(service)}.`,
      {
        file,
        jsonPath: jsonPath(['service']),
        hint: 'Add "service": { "name": "<folder name>", "version": "1.0.0", ... }.',
      },
    );
    return;
  }
  const name = checkValue(list, service['name'], kebabString, {
    ruleId: 'service.name',
    label: 'service.name',
    path: ['service', 'name'],
    file,
    hint: `Use the scenario's folder name, e.g. "${ctx.name}".`,
  });
  if (name !== undefined && name !== ctx.name) {
    list.add({
      severity: policy.nameMismatch,
      ruleId: 'service.name-mismatch',
      file,
      jsonPath: jsonPath(['service', 'name']),
      message: `service.name "${name}" differs from the scenario's folder name "${ctx.name}".`,
      hint: `Set service.name to "${ctx.name}" or rename the folder.`,
    });
  }
  checkValue(list, service['version'], semverString, {
    ruleId: 'service.version',
    label: 'service.version',
    path: ['service', 'version'],
    file,
    hint: 'Use a semantic version such as "1.0.0".',
  });
  if (policy.requireType) {
    checkValue(list, service['type'], kebabString, {
      ruleId: 'service.type',
      label: 'service.type',
      path: ['service', 'type'],
      file,
      hint: 'Name the kind of scenario in kebab-case, e.g. "business-application".',
    });
  }
}
