import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { isObject } from '../../validate/json.ts';
import { lexicalRelative } from '../../validate/paths.ts';
import { deploymentRefs, initializationRefs } from '../../validate/rules/references.ts';
import type { ServiceModel } from '../service.ts';

/**
 * Which SQL files initialise a scenario's database, in order, as Vrooli found them:
 * - 2025-08-07 (categorised resources): the postgres entry's `initialization.data[]` files
 *   (an `initialization` array is skipped, as Vrooli's injection engine skipped it), then SQL
 *   tasks of `deployment.initialization` not already listed;
 * - later formats: the files the postgres entry's `initialization` lists (array or `{data}`),
 *   else the conventional folders (`initialization/postgres/`, `initialization/storage/postgres/`,
 *   `initialization/storage/`, …): schema files first, seed files last.
 */

const CONVENTIONAL = [
  'initialization/postgres',
  'initialization/storage/postgres',
  'initialization/storage',
  'initialization/database',
  'initialization/sql',
] as const;

/** The SQL files to apply, in order, and where the list came from. */
export interface SqlPlan {
  /** Scenario-relative POSIX paths. */
  files: string[];
  /** Where the list came from, for the step's output. */
  source: string;
}

function rank(file: string): number {
  const base = path.posix.basename(file).toLowerCase();
  if (base.includes('schema')) return 0;
  if (base.includes('seed')) return 2;
  return 1;
}

async function conventional(dir: string): Promise<SqlPlan | null> {
  for (const folder of CONVENTIONAL) {
    const names = await readdir(path.join(dir, folder), { withFileTypes: true }).catch(() => []);
    const files = names
      .filter((e) => e.isFile() && e.name.toLowerCase().endsWith('.sql'))
      .map((e) => `${folder}/${e.name}`)
      .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
    if (files.length > 0) return { files, source: `the files in ${folder}/` };
  }
  return null;
}

function unique(refs: readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const r of refs) {
    const rel = lexicalRelative(r);
    if (!rel.ok || !rel.rel.toLowerCase().endsWith('.sql') || seen.has(rel.rel)) continue;
    seen.add(rel.rel);
    out.push(rel.rel);
  }
  return out;
}

/** The SQL files to apply for the enabled postgres resource (none when it is not enabled). */
export async function planSql(
  model: ServiceModel,
  dir: string,
  categorised: boolean,
): Promise<SqlPlan> {
  const pg = model.resources.find((r) => r.enabled && r.kind === 'postgres');
  if (!pg) return { files: [], source: 'no enabled postgres resource' };
  const init = pg.initialization;
  if (categorised) {
    const data = isObject(init) ? init['data'] : undefined;
    const declared = unique(initializationRefs(data ?? [], []).map((r) => r.ref));
    const tasks = unique(
      deploymentRefs(model.value)
        .filter((r) => r.kind === 'file')
        .map((r) => r.ref),
    ).filter((f) => !declared.includes(f));
    return {
      files: [...declared, ...tasks],
      source: `${pg.declaredAt}.initialization.data and deployment.initialization`,
    };
  }
  const declared = unique(initializationRefs(init ?? [], []).map((r) => r.ref));
  if (declared.length > 0) return { files: declared, source: `${pg.declaredAt}.initialization` };
  return (await conventional(dir)) ?? { files: [], source: 'no SQL files found' };
}
