/** The local executor: runs function specs in-process when no Inngest server is configured. */
export { createLocalExecutor } from './executor.ts';
export type {
  LocalExecutor,
  LocalExecutorOptions,
  RunRecord,
  RunStatus,
  SerializedError,
} from './types.ts';
