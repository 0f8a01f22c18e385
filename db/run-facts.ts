import type { Db } from './client.ts';

/**
 * The facts analytics needs about a run, gathered from what the run recorded: time per phase,
 * agent sessions, turns, tokens, cost, first-pass validation and the finding signatures.
 */
export type RunFacts = {
  phaseMs: Record<string, number>;
  sessions: number;
  turns: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  outcomes: Record<string, number>;
  firstPassValid: boolean | null;
  validationAttempts: number;
  signatures: string[];
};

export async function runFacts(
  db: Db,
  runId: string,
  validation?: { firstPassValid: boolean; attempts: number; signatures: string[] },
): Promise<RunFacts> {
  const phases = await db<{ phase: string; ms: number }[]>`
    SELECT phase, coalesce(sum(duration_ms), 0)::int AS ms FROM run_steps WHERE run_id = ${runId} AND phase IS NOT NULL GROUP BY phase`;
  const [agent] = await db<
    { sessions: number; turns: number; inp: number; out: number; cost: number }[]
  >`
    SELECT count(*)::int AS sessions, coalesce(sum(turns), 0)::int AS turns, coalesce(sum(input_tokens), 0)::bigint AS inp,
           coalesce(sum(output_tokens), 0)::bigint AS out, coalesce(sum(cost_usd), 0)::numeric AS cost
      FROM agent_interactions WHERE run_id = ${runId}`;
  const outcomes = await db<{ outcome: string; n: number }[]>`
    SELECT coalesce(outcome, 'running') AS outcome, count(*)::int AS n FROM agent_interactions WHERE run_id = ${runId} GROUP BY 1`;
  const [first] = await db<{ passed: boolean }[]>`
    SELECT bool_and(passed) AS passed FROM validation_results WHERE run_id = ${runId} AND phase = 'validating' AND attempt = 1`;
  return {
    phaseMs: Object.fromEntries(phases.map((p) => [p.phase, p.ms])),
    sessions: agent?.sessions ?? 0,
    turns: agent?.turns ?? 0,
    inputTokens: agent?.inp ?? 0,
    outputTokens: agent?.out ?? 0,
    costUsd: agent?.cost ?? 0,
    outcomes: Object.fromEntries(outcomes.map((o) => [o.outcome, o.n])),
    firstPassValid: validation?.firstPassValid ?? first?.passed ?? null,
    validationAttempts: validation?.attempts ?? 0,
    signatures: validation?.signatures ?? [],
  };
}

/** How many of its allowed iterations a run used: plan versions, builds, validation fixes. */
export interface IterationsUsed {
  plans: number;
  builds: number;
  fixes: number;
}

/** Counts what the run produced: scored plan versions, build bundles and fix bundles. */
export async function iterationsUsed(db: Db, runId: string): Promise<IterationsUsed> {
  const [row] = await db<IterationsUsed[]>`
    SELECT (SELECT count(*)::int FROM plan_versions WHERE run_id = ${runId}) AS plans,
           (SELECT count(*)::int FROM artifacts WHERE run_id = ${runId} AND kind = 'bundle' AND phase = 'implementing') AS builds,
           (SELECT count(*)::int FROM artifacts WHERE run_id = ${runId} AND kind = 'bundle' AND phase = 'validating') AS fixes`;
  return row ?? { plans: 0, builds: 0, fixes: 0 };
}
