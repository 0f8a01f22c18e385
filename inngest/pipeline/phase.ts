import type { Phase } from '../../core/domain.ts';
import { enterPhase } from '../../db/run-state.ts';
import { NonRetriableError } from '../errors.ts';
import type { PipelineDeps } from './deps.ts';

/** Thrown when a step finds its run already over (cancelled): the stage stops, nothing more runs. */
export function runIsOver(): NonRetriableError {
  return new NonRetriableError('stage:cancelled: the run is already over');
}

/**
 * Moves the run (and its scenario) into a phase and tells live viewers, so a card's status
 * changes the moment the work does. Throws (non-retriable) when the run is already over, so a
 * cancelled run never starts another session or a deploy.
 */
export async function enter(
  deps: PipelineDeps,
  ctx: { runId: string; scenarioId: string },
  phase: Phase,
  iteration = 0,
): Promise<boolean> {
  const live = await enterPhase(deps.sql, ctx.runId, phase, iteration);
  if (!live) throw runIsOver();
  {
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
