import type { Context } from 'hono';
import { toProblem } from '../problem.ts';
import { deleteScenario, updateScenario, type Scenario } from '../../db/scenarios.ts';
import type { Run } from '../../db/runs.ts';
import { BatchInput, type BatchAction } from '../contract/scenarios.ts';
import type { AppDeps } from '../deps.ts';
import { readJson } from '../input.ts';

/** One scenario's outcome (contract: BatchItemResult). */
interface ItemResult {
  id: string;
  ok: boolean;
  result?: Scenario | Run | null;
  error?: { status: number; code: string; detail: string };
}

/**
 * POST /api/scenarios/batch {ids, action}: applies the action to each scenario on its own, so
 * one failure (a running scenario cannot be deleted) does not undo the others; the response says
 * per id what happened.
 */
export async function runBatch(
  deps: Pick<AppDeps, 'sql' | 'pipeline'>,
  c: Context,
  actor: string,
): Promise<{ action: BatchAction; results: ItemResult[] }> {
  const { ids, action } = await readJson(c, BatchInput);
  const unique = [...new Set(ids)];
  const results: ItemResult[] = [];
  for (const id of unique) {
    try {
      results.push({ id, ok: true, result: await apply(deps, action, id, actor) });
    } catch (e) {
      const p = toProblem(e);
      if (p.status >= 500) throw e;
      results.push({ id, ok: false, error: { status: p.status, code: p.code, detail: p.detail } });
    }
  }
  return { action, results };
}

async function apply(
  deps: Pick<AppDeps, 'sql' | 'pipeline'>,
  action: BatchAction,
  id: string,
  actor: string,
): Promise<Scenario | Run | null> {
  const { sql, pipeline } = deps;
  switch (action) {
    case 'archive':
      return updateScenario(sql, id, { archived: true }, actor);
    case 'unarchive':
      return updateScenario(sql, id, { archived: false }, actor);
    case 'delete':
      await deleteScenario(sql, id, actor);
      return null;
    case 'generate':
      return pipeline.generate(id, actor, { trigger: 'batch' });
    case 'cancel':
      return pipeline.cancelScenario(id, actor);
  }
}
