import { findRunContext, type RunContext } from '../../db/run-context.ts';
import type { Db } from '../../db/client.ts';
import { NonRetriableError } from '../errors.ts';

export type { RunContext } from '../../db/run-context.ts';

/** The run's context; a run that does not exist fails the stage at once (non-retriable). */
export async function loadRunContext(db: Db, runId: string): Promise<RunContext> {
  const ctx = await findRunContext(db, runId);
  if (!ctx) throw new NonRetriableError(`run ${runId} does not exist`);
  return ctx;
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
