import * as v from 'valibot';
import type { FindingList } from '../findings.ts';
import { isObject, jsonPath, typeName } from '../json.ts';
import { checkValue, kebabString, optionalBoolean, optionalString } from './fields.ts';

/** The phases Vrooli's lifecycle runner of 2025-08-29 drove; others are allowed as custom ones. */
export const MAIN_PHASES = ['setup', 'develop', 'test', 'stop'] as const;
const NON_PHASE_KEYS = new Set(['version', 'defaults']);

const runString = v.pipe(v.string('must be a string'), v.minLength(1, 'must not be empty'));

function checkSteps(list: FindingList, file: string, phase: string, steps: unknown[]): void {
  const names = new Map<string, number>();
  steps.forEach((step, i) => {
    const at = ['lifecycle', phase, 'steps', i];
    if (!isObject(step)) {
      list.error(
        'lifecycle.step-shape',
        `lifecycle.${phase}.steps[${i}] must be an object with name and run, not ${typeName(step)}.`,
        {
          file,
          jsonPath: jsonPath(at),
        },
      );
      return;
    }
    const name = checkValue(list, step['name'], kebabString, {
      ruleId: 'lifecycle.step-name',
      label: `lifecycle.${phase}.steps[${i}].name`,
      path: [...at, 'name'],
      file,
      hint: 'Name steps in kebab-case, e.g. "build-api".',
    });
    checkValue(list, step['run'], runString, {
      ruleId: 'lifecycle.step-run',
      label: `lifecycle.${phase}.steps[${i}].run`,
      path: [...at, 'run'],
      file,
      hint: 'Give the command the step runs.',
    });
    checkValue(list, step['background'], optionalBoolean, {
      ruleId: 'lifecycle.step-shape',
      label: `lifecycle.${phase}.steps[${i}].background`,
      path: [...at, 'background'],
      file,
    });
    if (name !== undefined) {
      const first = names.get(name);
      if (first !== undefined) {
        list.warning(
          'lifecycle.step-duplicate',
          `lifecycle.${phase} has two steps named "${name}" (steps[${first}] and steps[${i}]).`,
          {
            file,
            jsonPath: jsonPath([...at, 'name']),
          },
        );
      } else names.set(name, i);
    }
  });
}

/**
 * `lifecycle`: a version, phases (setup, develop, test, stop, or custom) that are objects whose
 * `steps` is an array of `{ name, run, … }` with kebab-case names.
 */
export function checkLifecycle(list: FindingList, file: string, sj: Record<string, unknown>): void {
  const lifecycle = sj['lifecycle'];
  if (lifecycle === undefined) {
    list.warning(
      'lifecycle.missing',
      'No lifecycle: Vrooli cannot set up, start, test or stop this scenario.',
      {
        file,
        jsonPath: '$.lifecycle',
        hint: 'Add lifecycle.setup/develop/test/stop with steps.',
      },
    );
    return;
  }
  if (!isObject(lifecycle)) {
    list.error('lifecycle.shape', `lifecycle must be an object, not ${typeName(lifecycle)}.`, {
      file,
      jsonPath: '$.lifecycle',
    });
    return;
  }
  if (lifecycle['version'] === undefined) {
    list.warning('lifecycle.version', 'lifecycle.version is missing.', {
      file,
      jsonPath: '$.lifecycle.version',
      hint: 'Add "version": "1.0.0".',
    });
  } else {
    checkValue(list, lifecycle['version'], v.string('must be a string'), {
      ruleId: 'lifecycle.version',
      label: 'lifecycle.version',
      path: ['lifecycle', 'version'],
      file,
    });
  }
  for (const [phase, body] of Object.entries(lifecycle)) {
    if (NON_PHASE_KEYS.has(phase)) continue;
    const at = ['lifecycle', phase];
    if (!isObject(body)) {
      list.error(
        'lifecycle.phase-shape',
        `lifecycle.${phase} must be an object with steps, not ${typeName(body)}.`,
        {
          file,
          jsonPath: jsonPath(at),
          hint: `"${phase}": { "description": "...", "steps": [{ "name": "...", "run": "..." }] }`,
        },
      );
      continue;
    }
    checkValue(list, body['description'], optionalString, {
      ruleId: 'lifecycle.phase-shape',
      label: `lifecycle.${phase}.description`,
      path: [...at, 'description'],
      file,
    });
    checkValue(list, body['enabled'], optionalBoolean, {
      ruleId: 'lifecycle.phase-shape',
      label: `lifecycle.${phase}.enabled`,
      path: [...at, 'enabled'],
      file,
    });
    const steps = body['steps'];
    if (steps === undefined) {
      if ((MAIN_PHASES as readonly string[]).includes(phase)) {
        list.warning('lifecycle.steps-missing', `lifecycle.${phase} has no steps.`, {
          file,
          jsonPath: jsonPath([...at, 'steps']),
        });
      }
      continue;
    }
    if (!Array.isArray(steps)) {
      list.error(
        'lifecycle.steps-not-array',
        `lifecycle.${phase}.steps must be an array, not ${typeName(steps)}.`,
        {
          file,
          jsonPath: jsonPath([...at, 'steps']),
          hint: `"steps": [{ "name": "start-api", "run": "..." }]`,
        },
      );
      continue;
    }
    checkSteps(list, file, phase, steps);
  }
  if (lifecycle['develop'] === undefined) {
    list.warning(
      'lifecycle.develop-missing',
      'lifecycle.develop is missing: the scenario has no way to start.',
      { file, jsonPath: '$.lifecycle.develop' },
    );
  }
}
