import { NotFoundError } from '../core/errors.ts';
import type { Db } from './client.ts';

/**
 * Which campaign a scenario, run or artifact belongs to: authorisation derives the role a route
 * needs from the campaign of what it touches.
 */
export type Owned = 'scenario' | 'run' | 'artifact';

const LABEL: Record<Owned, string> = { scenario: 'Scenario', run: 'Run', artifact: 'Artifact' };

/** The campaign id of one thing; not found when it does not exist. */
export async function campaignOf(db: Db, kind: Owned, id: string): Promise<string> {
  const rows =
    kind === 'scenario'
      ? await db<{ c: string }[]>`SELECT campaign_id AS c FROM scenarios WHERE id = ${id}`
      : kind === 'run'
        ? await db<{ c: string }[]>`
            SELECT s.campaign_id AS c FROM runs r JOIN scenarios s ON s.id = r.scenario_id
             WHERE r.id = ${id}`
        : await db<{ c: string }[]>`
            SELECT s.campaign_id AS c FROM artifacts a JOIN scenarios s ON s.id = a.scenario_id
             WHERE a.id = ${id}`;
  if (!rows[0]) throw new NotFoundError(LABEL[kind], id);
  return rows[0].c;
}

/** The distinct campaign ids of several scenarios (unknown ids are skipped). */
export async function campaignsOfScenarios(db: Db, ids: string[]): Promise<string[]> {
  if (!ids.length) return [];
  const rows = await db<{ c: string }[]>`
    SELECT DISTINCT campaign_id AS c FROM scenarios WHERE id = ANY(${ids}::uuid[])`;
  return rows.map((r) => r.c);
}
