/**
 * The agent port: how the pipeline runs one unattended coding-agent session. It speaks in
 * normalised events and outcome classes, never in one CLI's stream format, so a second agent
 * (Codex CLI) can be added as another adapter. runner/claude/ is the Claude Code adapter.
 */

/** Everything one session needs. The adapter starts exactly one agent process for it. */
export interface AgentSessionRequest {
  /** Assigned by us (uuid); the interaction key. */
  sessionId: string;
  /** Absolute working directory; the agent may only write inside it. */
  workspace: string;
  /** Absolute HOME for the agent process (its state lives there, not in the user's home). */
  home: string;
  /** The rendered prompt (sent on stdin). */
  prompt: string;
  appendSystemPrompt?: string;
  model?: string;
  maxTurns?: number;
  maxBudgetUsd?: number;
  /** JSON Schema of a structured answer; the outcome then carries `structuredOutput`. */
  jsonSchema?: Record<string, unknown>;
  /**
   * Tools pre-approved, as path- or command-scoped rules (`Read(./**)`, `Bash(npm test:*)`).
   * Bare write tools are refused: they would approve writes anywhere. Without a rule, writes are
   * allowed inside the workspace only.
   */
  allowedTools?: string[];
  disallowedTools?: string[];
  /** Wall-clock limit for the whole session. */
  timeoutMs: number;
  /** Longest silence allowed (announced API retry waits extend it). */
  idleTimeoutMs: number;
  signal?: AbortSignal;
  /** The child's complete environment, already allow-listed (HOME is set from `home`). */
  env: Record<string, string>;
  /** The unprivileged user the agent runs as (it must own `workspace` and `home`). */
  runAs?: { uid: number; gid: number };
}

/** Token counts of a session. */
export interface AgentUsage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheCreationTokens: number;
}

/** Normalised, agent-neutral events, published as they arrive. */
export type AgentEvent =
  | { kind: 'spawn'; pid: number }
  /** The agent process ended (before its output is fully processed). */
  | { kind: 'exit'; exitCode: number | null; signal: string | null }
  | {
      kind: 'init';
      sessionId: string;
      model?: string;
      cwd?: string;
      tools: string[];
      agentVersion?: string;
    }
  | { kind: 'text'; text: string }
  | { kind: 'tool_use'; id: string; tool: string; summary: string }
  | { kind: 'tool_result'; toolUseId: string; isError: boolean; summary: string }
  | { kind: 'permission_denied'; tool: string; toolUseId?: string; path?: string }
  | {
      kind: 'api_retry';
      attempt: number;
      maxRetries: number;
      delayMs: number;
      status: number | null;
      error?: string;
    }
  | { kind: 'rate_limit'; status: string; resetsAt?: string; limitType?: string }
  | {
      kind: 'result';
      isError: boolean;
      subtype: string;
      turns: number;
      costUsd: number;
      durationMs: number;
      text?: string;
    }
  | { kind: 'stderr'; text: string }
  /** Something in the stream the adapter could not use (bad JSON, an over-long line). */
  | { kind: 'notice'; message: string };

export type AgentEventKind = AgentEvent['kind'];

/** How a session ended. Decided from structured fields only. */
export type OutcomeClass =
  | 'success'
  | 'not_authenticated'
  | 'usage_limit'
  | 'api_error'
  | 'max_turns'
  | 'budget_exceeded'
  | 'structured_output_missing'
  | 'structured_output_invalid'
  | 'cli_usage_error'
  | 'crashed'
  | 'timed_out'
  | 'idle_timeout'
  | 'cancelled'
  /** The CLI said success, but every file write it tried was refused: nothing was done. */
  | 'writes_refused'
  /** The CLI said success, but the session changed none of the files it was asked to change. */
  | 'no_change'
  /** Stopped because its server shut down (not the run): the step runs again on the next start. */
  | 'interrupted'
  /** The disk under DATA_DIR is full: the transcript (or the workspace) could not be written. */
  | 'disk_full'
  /** The transcript could not be stored (the store failed for another reason). */
  | 'transcript_failed';

export const OUTCOME_CLASSES: readonly OutcomeClass[] = [
  'success',
  'not_authenticated',
  'usage_limit',
  'api_error',
  'max_turns',
  'budget_exceeded',
  'structured_output_missing',
  'structured_output_invalid',
  'cli_usage_error',
  'crashed',
  'timed_out',
  'idle_timeout',
  'cancelled',
  'writes_refused',
  'no_change',
  'interrupted',
  'disk_full',
  'transcript_failed',
];

/** A tool call the agent was not allowed to make. */
export interface PermissionDenial {
  tool: string;
  path?: string;
}

export interface AgentOutcome {
  class: OutcomeClass;
  /** True when running the same session again may succeed (API errors, crashes, timeouts). */
  retryable: boolean;
  /** One line for people; never contains a secret (the session layer redacts it). */
  message: string;
  /** ISO time when a usage limit resets, when the agent told us. */
  resetAt?: string;
  sessionId: string;
  model?: string;
  turns: number;
  usage: AgentUsage;
  costUsd: number;
  /** True when `costUsd` is estimated from tokens and a price table (the CLI reports no cost). */
  costEstimated?: boolean;
  durationMs: number;
  /** Process exit code; null when it ended by a signal. */
  exitCode: number | null;
  resultText?: string;
  structuredOutput?: unknown;
  permissionDenials: PermissionDenial[];
}

/** Receives every raw output line (already split, possibly truncated at the adapter's cap). */
export type RawLineSink = (line: string) => void;

export interface AgentPort {
  /** Adapter name recorded with each interaction, e.g. `claude-code`. */
  readonly name: string;
  /**
   * Runs one session to its end. Never rejects for agent failures: they come back as an
   * outcome class. Rejects only for programming errors (bad request shape).
   */
  run(
    req: AgentSessionRequest,
    onEvent: (event: AgentEvent) => void,
    onRawLine?: RawLineSink,
  ): Promise<AgentOutcome>;
}

/** Zero usage, for outcomes of sessions that never reported any. */
export function emptyUsage(): AgentUsage {
  return { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheCreationTokens: 0 };
}
