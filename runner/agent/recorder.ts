import type { AgentUsage, OutcomeClass, PermissionDenial } from './port.ts';

/**
 * Where each agent session is recorded (agent_interactions): a row when it starts, its pid once
 * the process runs, and the final facts when it ends. db/agent-interactions.ts implements it on
 * Postgres; memory-recorder.ts in memory (tests, database-less tools).
 */
export interface InteractionStart {
  sessionId: string;
  agent: string;
  promptTemplate: string;
  promptVersion: string;
  model?: string;
  runId?: string;
  scenarioId?: string;
  stepKey?: string;
  phase?: string;
  iteration?: number;
  runnerId?: string;
}

export interface InteractionFinish {
  outcome: OutcomeClass;
  /** Small JSON: message, retryable, resetAt, exitCode… (already redacted). */
  outcomeDetail: Record<string, unknown>;
  model?: string;
  turns: number;
  usage: AgentUsage;
  costUsd: number;
  durationMs: number;
  permissionDenials: PermissionDenial[];
  transcriptKey?: string;
  transcriptBytes: number;
  transcriptTruncated: boolean;
}

/** A session still marked running, as orphan recovery sees it. */
export interface RunningInteraction {
  sessionId: string;
  pid: number | null;
  runnerId: string | null;
}

export interface InteractionRecorder {
  start(row: InteractionStart): Promise<void>;
  setPid(sessionId: string, pid: number): Promise<void>;
  finish(sessionId: string, fields: InteractionFinish): Promise<void>;
  /** Sessions of this runner still marked running. */
  listRunning(runnerId: string): Promise<RunningInteraction[]>;
  /** Marks a session left behind by a crashed runner as finished with outcome `crashed`. */
  markCrashed(sessionId: string, message: string): Promise<void>;
}
