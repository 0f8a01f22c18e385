import type { Phase } from '../../core/domain.ts';
import { enterPhase } from '../../db/run-state.ts';
import type { PipelineDeps } from './deps.ts';

/**
 * Moves the run (and its scenario) into a phase and tells live viewers, so a card's status
 * changes the moment the work does. Returns false when the run is already over (cancelled).
 */
export async function enter(
  deps: PipelineDeps,
  ctx: { runId: string; scenarioId: string },
  phase: Phase,
  iteration = 0,
): Promise<boolean> {
  const live = await enterPhase(deps.sql, ctx.runId, phase, iteration);
  if (live) {
    await deps.reporter.report({
      scenarioId: ctx.scenarioId,
      runId: ctx.runId,
      kind: 'status',
      status: phase,
      phase,
      iteration,
      message: `${phase[0]!.toUpperCase()}${phase.slice(1)}${iteration ? ` (iteration ${iteration})` : ''}`,
      live: { iteration },
    });
  }
  return live;
}
