import type { Context } from 'hono';
import { AppError } from '../../core/errors.ts';
import { toProblem } from '../problem.ts';
import { deleteScenario, updateScenario } from '../../db/scenarios.ts';
import type { AppDeps } from '../deps.ts';
import { readJson } from '../input.ts';
import { BatchInput } from '../schemas/scenario.ts';

export interface BatchItemResult {
  id: string;
  ok: boolean;
  result?: unknown;
  error?: { status: number; code: string; detail: string };
}

/**
 * POST /api/scenarios/batch {ids, action}: applies the action to each scenario on its own, so
 * one failure (a running scenario cannot be deleted) does not undo the others; the response says
 * per id what happened.
 */
export async function runBatch(
  deps: AppDeps,
  c: Context,
  actor: string,
): Promise<{ action: string; results: BatchItemResult[] }> {
  const { ids, action } = await readJson(c, BatchInput);
  const unique = [...new Set(ids)];
  const results: BatchItemResult[] = [];
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

async function apply(deps: AppDeps, action: string, id: string, actor: string): Promise<unknown> {
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
      if (!pipeline) throw new AppError('conflict', 'The pipeline is not running in this process.');
      return pipeline.generate(id, actor, { trigger: 'batch' });
    case 'cancel':
      if (!pipeline) throw new AppError('conflict', 'The pipeline is not running in this process.');
      return pipeline.cancelScenario(id, actor);
    default:
      throw new Error(`unknown action ${action}`);
  }
}
