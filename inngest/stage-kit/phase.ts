import type { Phase } from '../../core/domain.ts';
import { RunFailure } from '../errors.ts';
import type { PipelineDeps } from './deps.ts';

/** Thrown when a step finds its run already over (cancelled): the stage stops, nothing more runs. */
export function runIsOver(): RunFailure {
  return new RunFailure('cancelled', 'the run is already over');
}

/**
 * Moves the run (and its scenario) into a phase through the run's lifecycle, which tells live
 * viewers, so a card's status changes the moment the work does. Throws (non-retriable) when the
 * run is already over, so a cancelled run never starts another session or a deploy.
 */
export async function enter(
  deps: Pick<PipelineDeps, 'lifecycle'>,
  ctx: { runId: string; scenarioId: string },
  phase: Phase,
  iteration = 0,
): Promise<void> {
  await deps.lifecycle.enter({ runId: ctx.runId, scenarioId: ctx.scenarioId }, phase, iteration);
}
