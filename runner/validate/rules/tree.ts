import { walkTree, type TreeEntry } from '../paths.ts';
import type { ScenarioContext } from '../types.ts';

/**
 * The scenario's file listing, read once per validation: several rules look up files by folder
 * or name, and a large scenario should be walked only once.
 */

export interface ScenarioTree {
  entries: TreeEntry[];
  truncated: boolean;
}

const cache = new WeakMap<ScenarioContext, Promise<ScenarioTree>>();

/** Lists the scenario folder (see walkTree); the same context gets the same listing. */
export function scenarioTree(ctx: ScenarioContext): Promise<ScenarioTree> {
  let tree = cache.get(ctx);
  if (!tree) {
    tree = walkTree(ctx.dir);
    cache.set(ctx, tree);
  }
  return tree;
}

/** Regular files of the listing under `prefix/` (all files when prefix is empty). */
export function filesUnder(tree: ScenarioTree, prefix: string): string[] {
  return tree.entries
    .filter((e) => e.kind === 'file' && (prefix === '' || e.rel.startsWith(`${prefix}/`)))
    .map((e) => e.rel);
}
