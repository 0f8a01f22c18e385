import type { RunBudget } from '../core/budget.ts';
import type { AgentName, Complexity } from '../core/domain.ts';
import type { Db } from './client.ts';

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
  /** The campaign's default agent (null: the AGENT setting). */
  campaignAgent: AgentName | null;
}

/**
 * The request a change run works from: the scenario's own, then the change, said against the
 * deployed files the run's workspaces start with.
 */
export function changeRequestText(request: string, change: NonNullable<RunBudget['change']>) {
  return `${request}

## Change request
This scenario is already deployed (the version of run ${change.baseRunNumber}); its files are in your working directory. Change it as follows, keeping what already works and editing the existing files rather than starting over:

${change.request}`;
}

/** The run joined with its scenario, or undefined when the run does not exist. */
export async function findRunContext(db: Db, runId: string): Promise<RunContext | undefined> {
  const row = await readRunContext(db, runId);
  if (row?.budget.change) row.request = changeRequestText(row.request, row.budget.change);
  return row;
}

async function readRunContext(db: Db, runId: string): Promise<RunContext | undefined> {
  const [row] = await db<RunContext[]>`
    SELECT r.id AS "runId", s.id AS "scenarioId", s.campaign_id AS "campaignId", s.slug, s.title, s.request, s.complexity,
           s.category, s.target_format AS profile, r.config AS budget, r.cancel_requested_at IS NOT NULL AS "cancelRequested",
           c.default_agent AS "campaignAgent"
      FROM runs r JOIN scenarios s ON s.id = r.scenario_id JOIN campaigns c ON c.id = s.campaign_id
     WHERE r.id = ${runId}`;
  return row;
}
