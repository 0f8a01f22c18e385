import path from 'node:path';
import type { FindingList } from '../findings.ts';
import type { ScenarioContext, Severity } from '../types.ts';
import type { NameRef } from './resource-refs.ts';
import { filesUnder, scenarioTree } from './tree.ts';

/**
 * Resolves references by name (`"workflows": ["prompt-backup"]`): Vrooli's startup scripts of
 * 2025 imported such workflows from the scenario's initialization folders by file name, so a
 * name must match a file there (`prompt-backup.json`), or anywhere in the scenario.
 */

const SINGULAR: Record<NameRef['list'], string> = {
  workflows: 'workflow',
  scripts: 'script',
  flows: 'flow',
  apps: 'app',
};

function stem(rel: string): string {
  const base = path.posix.basename(rel);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
}

/**
 * Reports each name that matches no file. Returns the files the names resolved to, so that
 * their content is checked like any referenced file's.
 */
export async function checkNameRefs(
  ctx: ScenarioContext,
  list: FindingList,
  file: string,
  names: readonly NameRef[],
  severity: Severity,
): Promise<string[]> {
  if (names.length === 0) return [];
  const files = filesUnder(await scenarioTree(ctx), '');
  const resolved: string[] = [];
  const seen = new Set<string>();
  for (const ref of names) {
    if (seen.has(ref.name)) continue;
    seen.add(ref.name);
    const matches = files.filter(
      (f) => path.posix.basename(f) === ref.name || stem(f) === ref.name,
    );
    const best = matches.find((f) => f.startsWith('initialization/')) ?? matches[0];
    if (best !== undefined) {
      resolved.push(best);
      continue;
    }
    const what = SINGULAR[ref.list];
    list.add({
      severity,
      ruleId: 'reference.name-missing',
      message: `The ${what} "${ref.name}" is referenced by name, but no file in the scenario is called ${ref.name}${ref.name.includes('.') ? '' : '.json or similar'}.`,
      file,
      jsonPath: ref.jsonPath,
      hint: `Add the ${what} (e.g. initialization/…/${ref.name.includes('.') ? ref.name : `${ref.name}.json`}) or remove the reference.`,
    });
  }
  return resolved;
}
