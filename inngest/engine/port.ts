import type { PipelineEvent } from '../spec.ts';

/**
 * The durable-execution port: where pipeline events go. The local executor runs the stage
 * functions in-process (embedded default); the Inngest adapter (inngest/engine/inngest/) hands events to
 * an Inngest server, which calls the functions back at /api/inngest.
 */
export interface Engine {
  readonly kind: 'local' | 'inngest';
  send(events: PipelineEvent | PipelineEvent[]): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}
