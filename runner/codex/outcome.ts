import type { AgentOutcome, OutcomeClass } from '../agent/port.ts';
import { emptyUsage } from '../agent/port.ts';
import type { CodexStreamState } from './parse.ts';
import type { ErrorInfo } from './lines.ts';
import type { RolloutFacts } from './rollout.ts';

/**
 * Decides how a Codex CLI session ended, from structured facts only: the exec stream's
 * turn.completed / turn.failed, the rollout's `codex_error_info`, token counts and rate-limit
 * windows, the exit code, and our own reasons for stopping it (time, turns, budget, cancel).
 */
export type CodexStop = 'timeout' | 'idle' | 'cancel' | 'max_turns' | 'budget';

export interface CodexOutcomeFacts {
  sessionId: string;
  stream: CodexStreamState;
  rollout: RolloutFacts;
  exitCode: number | null;
  signal: string | null;
  stoppedFor?: CodexStop;
  stderrHead: string;
  jsonSchemaRequested: boolean;
  /** The session's environment carried an API key. */
  hasCredentials: boolean;
  model?: string;
  costUsd: number;
  durationMs: number;
  timeoutMs?: number;
  idleTimeoutMs?: number;
  maxTurns?: number;
}

const RETRYABLE: Record<OutcomeClass, boolean> = {
  success: false,
  not_authenticated: false,
  usage_limit: true,
  api_error: true,
  max_turns: false,
  budget_exceeded: false,
  structured_output_missing: true,
  structured_output_invalid: true,
  cli_usage_error: false,
  crashed: true,
  timed_out: true,
  idle_timeout: true,
  cancelled: false,
  writes_refused: false,
  no_change: false,
  interrupted: true,
  disk_full: false,
  transcript_failed: true,
};

/** clap's usage errors: exit code 2 before any stream line. */
const USAGE_ERROR_RE = /^error: /m;

function classFromStatus(status: number | null | undefined): OutcomeClass | undefined {
  if (typeof status !== 'number') return undefined;
  if (status === 401 || status === 403) return 'not_authenticated';
  if (status === 429) return 'usage_limit';
  return 'api_error';
}

/** Codex's `codex_error_info` (a variant name, or a variant with an HTTP status). */
export function classFromErrorInfo(info: ErrorInfo | undefined): OutcomeClass | undefined {
  if (info === undefined) return undefined;
  if (typeof info === 'string') {
    switch (info) {
      case 'usage_limit_exceeded':
        return 'usage_limit';
      case 'unauthorized':
        return 'not_authenticated';
      case 'other':
      case 'sandbox_error':
        return undefined;
      default:
        // internal_server_error, server_overloaded, context_window_exceeded, bad_request…
        return 'api_error';
    }
  }
  const [variant, detail] = Object.entries(info)[0] ?? [];
  if (variant === undefined) return undefined;
  return classFromStatus(detail?.http_status_code) ?? 'api_error';
}

function describe(info: ErrorInfo | undefined): string {
  if (info === undefined) return 'no error detail';
  if (typeof info === 'string') return info;
  const [variant, detail] = Object.entries(info)[0] ?? ['?', undefined];
  return detail?.http_status_code ? `${variant}, HTTP ${detail.http_status_code}` : variant;
}

function classify(f: CodexOutcomeFacts): { cls: OutcomeClass; message: string } {
  switch (f.stoppedFor) {
    case 'cancel':
      return { cls: 'cancelled', message: 'The session was cancelled.' };
    case 'timeout':
      return { cls: 'timed_out', message: `The session ran longer than ${f.timeoutMs ?? '?'} ms.` };
    case 'idle':
      return {
        cls: 'idle_timeout',
        message: `The agent was silent for more than ${f.idleTimeoutMs ?? '?'} ms.`,
      };
    case 'max_turns':
      return {
        cls: 'max_turns',
        message: `The session reached its turn limit (${f.maxTurns ?? '?'} turns).`,
      };
    case 'budget':
      return {
        cls: 'budget_exceeded',
        message: `The session exceeded its budget (estimated $${f.costUsd.toFixed(4)}).`,
      };
  }
  const s = f.stream;
  if (!s.threadId && f.exitCode === 2 && USAGE_ERROR_RE.test(f.stderrHead)) {
    const first = f.stderrHead.split('\n').find((l) => l.trim()) ?? '';
    return {
      cls: 'cli_usage_error',
      message: `The CLI rejected its arguments: ${first.slice(0, 300)}`,
    };
  }
  if (s.completed && !s.failed && f.exitCode === 0) {
    if (f.jsonSchemaRequested && parseJson(s.lastAgentMessage) === undefined)
      return {
        cls: 'structured_output_missing',
        message: 'The agent did not give the structured answer that was asked for.',
      };
    return { cls: 'success', message: 'The session completed.' };
  }
  const info = f.rollout.error?.info;
  if (s.failed || f.rollout.error) {
    const cls = classFromErrorInfo(info) ?? (f.hasCredentials ? 'crashed' : 'not_authenticated');
    return { cls, message: `The session ended in an error (${describe(info)}).` };
  }
  if (!f.hasCredentials && !s.completed)
    return { cls: 'not_authenticated', message: 'No API key was given to the session.' };
  const how = f.signal ? `was killed by ${f.signal}` : `exited with code ${f.exitCode ?? '?'}`;
  return { cls: 'crashed', message: `The CLI ${how} without finishing its turn.` };
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Builds the normalised outcome from the facts of a finished process. */
export function decideCodexOutcome(f: CodexOutcomeFacts): AgentOutcome {
  const { cls, message } = classify(f);
  const u = f.rollout.usage;
  const exec = f.stream.usage;
  const input = u?.input ?? exec?.input_tokens ?? 0;
  const cached = u?.cached ?? exec?.cached_input_tokens ?? 0;
  const usage =
    u || exec
      ? {
          inputTokens: Math.max(0, input - cached),
          outputTokens: u?.output ?? exec?.output_tokens ?? 0,
          cacheReadTokens: cached,
          cacheCreationTokens: 0,
        }
      : emptyUsage();
  const text = f.stream.lastAgentMessage ?? f.rollout.lastAgentMessage;
  const structured = f.jsonSchemaRequested ? parseJson(text) : undefined;
  const resetAt = cls === 'usage_limit' ? f.rollout.resetAt : undefined;
  return {
    class: cls,
    retryable: RETRYABLE[cls],
    message,
    ...(resetAt ? { resetAt } : {}),
    sessionId: f.sessionId,
    ...(f.model ? { model: f.model } : {}),
    turns: f.rollout.responses,
    usage,
    costUsd: f.costUsd,
    costEstimated: true,
    durationMs: f.durationMs,
    exitCode: f.exitCode,
    ...(text !== undefined ? { resultText: text } : {}),
    ...(structured !== undefined ? { structuredOutput: structured } : {}),
    permissionDenials: f.rollout.denials,
  };
}
