import type { Db } from './client.ts';

/** A scored plan version of a run. */
export interface PlanVersion {
  id: string;
  runId: string;
  scenarioId: string;
  iteration: number;
  score: number | null;
  rubric: Record<string, number>;
  critique: string;
  objectKey: string;
  chosen: boolean;
  createdAt: Date;
}

const COLS = (
  db: Db,
) => db`id, run_id AS "runId", scenario_id AS "scenarioId", iteration, score, rubric, critique,
  object_key AS "objectKey", chosen, created_at AS "createdAt"`;

/** Records (or, on a replayed step, overwrites) a plan version. */
export async function savePlanVersion(
  db: Db,
  p: {
    runId: string;
    scenarioId: string;
    iteration: number;
    objectKey: string;
    score?: number | null;
    rubric?: Record<string, number>;
    critique?: string;
  },
): Promise<void> {
  await db`
    INSERT INTO plan_versions (run_id, scenario_id, iteration, object_key, score, rubric, critique)
    VALUES (${p.runId}, ${p.scenarioId}, ${p.iteration}, ${p.objectKey}, ${p.score ?? null}, ${db.json((p.rubric ?? {}) as never)}, ${p.critique ?? ''})
    ON CONFLICT (run_id, iteration) DO UPDATE SET object_key = EXCLUDED.object_key,
      score = coalesce(EXCLUDED.score, plan_versions.score),
      rubric = CASE WHEN EXCLUDED.score IS NULL THEN plan_versions.rubric ELSE EXCLUDED.rubric END,
      critique = CASE WHEN EXCLUDED.score IS NULL THEN plan_versions.critique ELSE EXCLUDED.critique END`;
}

export async function scorePlanVersion(
  db: Db,
  runId: string,
  iteration: number,
  score: number,
  rubric: Record<string, number>,
  critique: string,
): Promise<void> {
  await db`UPDATE plan_versions SET score = ${score}, rubric = ${db.json(rubric as never)}, critique = ${critique}
            WHERE run_id = ${runId} AND iteration = ${iteration}`;
}

export async function listPlanVersions(db: Db, runId: string): Promise<PlanVersion[]> {
  return db<
    PlanVersion[]
  >`SELECT ${COLS(db)} FROM plan_versions WHERE run_id = ${runId} ORDER BY iteration`;
}

/** Marks one version chosen (and no other). */
export async function choosePlanVersion(db: Db, runId: string, iteration: number): Promise<void> {
  await db`UPDATE plan_versions SET chosen = false WHERE run_id = ${runId} AND chosen AND iteration <> ${iteration}`;
  await db`UPDATE plan_versions SET chosen = true WHERE run_id = ${runId} AND iteration = ${iteration}`;
}

export async function chosenPlan(db: Db, runId: string): Promise<PlanVersion | undefined> {
  const [row] = await db<
    PlanVersion[]
  >`SELECT ${COLS(db)} FROM plan_versions WHERE run_id = ${runId} AND chosen`;
  return row;
}
