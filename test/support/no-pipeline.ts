import { AppError } from '../../core/errors.ts';
import type { PipelineControl } from '../../inngest/control.ts';

/**
 * A pipeline for apps built without one (API tests): every run action is refused with 409, as a
 * server whose pipeline is not running would answer.
 */
export function noPipeline(): PipelineControl {
  const refuse = async (): Promise<never> => {
    throw new AppError('conflict', 'The pipeline is not running in this process.');
  };
  return {
    generate: refuse,
    cancelRun: refuse,
    cancelScenario: refuse,
    retry: refuse,
    rollback: refuse,
    change: refuse,
  };
}
