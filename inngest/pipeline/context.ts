import { NonRetriableError } from '../errors.ts';
import type { Complexity } from '../../core/domain.ts';
import type { Db } from '../../db/client.ts';
import type { RunBudget } from './budgets.ts';

/** Everything a stage needs to know about its run, read fresh from Postgres by each step. */
export interface RunContext {
  runId: string;
  scenarioId: string;
  campaignId: string;
  slug: string;
  title: string;
  request: string;
  complexity: Complexity;
  category: string;
  profile: string;
  budget: RunBudget;
  cancelRequested: boolean;
}

export async function loadRunContext(db: Db, runId: string): Promise<RunContext> {
  const [row] = await db<(Omit<RunContext, 'budget'> & { budget: RunBudget })[]>`
    SELECT r.id AS "runId", s.id AS "scenarioId", s.campaign_id AS "campaignId", s.slug, s.title, s.request, s.complexity,
           s.category, s.target_format AS profile, r.config AS budget, r.cancel_requested_at IS NOT NULL AS "cancelRequested"
      FROM runs r JOIN scenarios s ON s.id = r.scenario_id WHERE r.id = ${runId}`;
  if (!row) throw new NonRetriableError(`run ${runId} does not exist`);
  return row;
}

/** Share of the whole run each phase covers, for the progress bar. */
const SPAN: Record<string, [number, number]> = {
  planning: [2, 30],
  implementing: [30, 65],
  validating: [65, 92],
  deploying: [92, 100],
};

/** Progress percent at `done` of `total` units of a phase. */
export function percent(phase: string, done: number, total: number): number {
  const [a, b] = SPAN[phase] ?? [0, 100];
  return Math.round(a + ((b - a) * Math.min(done, total)) / Math.max(total, 1));
}
