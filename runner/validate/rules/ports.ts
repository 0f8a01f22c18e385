import type { FindingList } from '../findings.ts';
import { isObject, jsonPath, typeName } from '../json.ts';
import {
  checkValue,
  envVarString,
  fallbackValue,
  fixedPort,
  optionalString,
  portRangeString,
} from './fields.ts';

/**
 * `ports.<name>`: `env_var` (upper snake case), exactly one of `range` ("A-B") or `fixed`,
 * `fallback` auto|error; no two ports share a fixed number or an environment variable.
 */
export function checkPorts(list: FindingList, file: string, sj: Record<string, unknown>): void {
  const ports = sj['ports'];
  if (ports === undefined) return;
  if (!isObject(ports)) {
    list.error('ports.shape', `ports must be an object, not ${typeName(ports)}.`, {
      file,
      jsonPath: '$.ports',
    });
    return;
  }
  const fixedSeen = new Map<number, string>();
  const envSeen = new Map<string, string>();
  for (const [name, port] of Object.entries(ports)) {
    const at = ['ports', name];
    if (!isObject(port)) {
      list.error(
        'ports.shape',
        `ports.${name} must be an object with env_var and range or fixed, not ${typeName(port)}.`,
        {
          file,
          jsonPath: jsonPath(at),
          hint: `"${name}": { "env_var": "${name.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_PORT", "range": "8090-8099", "fallback": "auto" }`,
        },
      );
      continue;
    }
    const envVar = checkValue(list, port['env_var'], envVarString, {
      ruleId: 'ports.env-var',
      label: `ports.${name}.env_var`,
      path: [...at, 'env_var'],
      file,
    });
    if (envVar !== undefined) {
      const other = envSeen.get(envVar);
      if (other !== undefined) {
        list.error(
          'ports.env-var-duplicate',
          `ports.${name} and ports.${other} both use ${envVar}.`,
          { file, jsonPath: jsonPath([...at, 'env_var']) },
        );
      } else envSeen.set(envVar, name);
    }
    const hasRange = port['range'] !== undefined;
    const hasFixed = port['fixed'] !== undefined;
    if (hasRange === hasFixed) {
      list.error(
        'ports.range-or-fixed',
        `ports.${name} needs exactly one of "range" or "fixed"${hasRange ? ', not both' : ''}.`,
        {
          file,
          jsonPath: jsonPath(at),
          hint: 'Give a range such as "8090-8099" for dynamic allocation, or a fixed port number.',
        },
      );
    }
    if (hasRange)
      checkValue(list, port['range'], portRangeString, {
        ruleId: 'ports.range',
        label: `ports.${name}.range`,
        path: [...at, 'range'],
        file,
      });
    if (hasFixed) {
      const fixed = checkValue(list, port['fixed'], fixedPort, {
        ruleId: 'ports.fixed',
        label: `ports.${name}.fixed`,
        path: [...at, 'fixed'],
        file,
      });
      if (fixed !== undefined) {
        const other = fixedSeen.get(fixed);
        if (other !== undefined) {
          list.error(
            'ports.fixed-duplicate',
            `ports.${name} and ports.${other} both use fixed port ${fixed}.`,
            {
              file,
              jsonPath: jsonPath([...at, 'fixed']),
              hint: 'Give each port its own number, or use ranges.',
            },
          );
        } else fixedSeen.set(fixed, name);
      }
    }
    if (port['fallback'] !== undefined) {
      checkValue(list, port['fallback'], fallbackValue, {
        ruleId: 'ports.fallback',
        label: `ports.${name}.fallback`,
        path: [...at, 'fallback'],
        file,
        hint: 'fallback says what to do when allocation fails: "auto" or "error" (not a port number).',
      });
    }
    checkValue(list, port['description'], optionalString, {
      ruleId: 'ports.description',
      label: `ports.${name}.description`,
      path: [...at, 'description'],
      file,
    });
  }
}
