import type { AgentOutcome, AgentUsage, OutcomeClass, PermissionDenial } from '../agent/port.ts';
import { emptyUsage } from '../agent/port.ts';
import type { StreamState } from './parse.ts';

/**
 * Decides how a Claude Code session ended, purely from structured facts: the final `result`
 * line, `rate_limit_event` lines, the CLI's error tag on synthetic messages, the exit code, and
 * (only for command-line usage errors, which happen before any stream line) stderr.
 */
export interface OutcomeFacts {
  sessionId: string;
  state: StreamState;
  exitCode: number | null;
  signal: string | null;
  /** Set when we stopped the process ourselves. */
  stoppedFor?: 'timeout' | 'idle' | 'cancel';
  /** The first stderr bytes (bounded). */
  stderrHead: string;
  jsonSchemaRequested: boolean;
  durationMs: number;
  timeoutMs?: number;
  idleTimeoutMs?: number;
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

/** Commander-style usage errors the CLI prints before it starts a session. */
const USAGE_ERROR_RE =
  /^(error: (unknown option|option '.*' argument|missing required argument|too many arguments|required option)|Error: When using --print)/m;

function denialsOf(state: StreamState): PermissionDenial[] {
  return (state.result?.permission_denials ?? []).map((d) => {
    const p = d.tool_input?.file_path ?? d.tool_input?.notebook_path ?? d.tool_input?.path;
    return { tool: d.tool_name, ...(typeof p === 'string' ? { path: p } : {}) };
  });
}

function num(o: Record<string, unknown>, key: string): number {
  const x = o[key];
  return typeof x === 'number' && Number.isFinite(x) ? x : 0;
}

/**
 * Token counts: per-model `modelUsage` when the CLI gave it (it covers every model the session
 * called and is filled even on error results, where `usage` is all zeros), else `usage`.
 */
function usageOf(state: StreamState): AgentUsage {
  const r = state.result;
  const out = emptyUsage();
  const models = Object.values(r?.modelUsage ?? {}).filter(
    (m): m is Record<string, unknown> => !!m && typeof m === 'object',
  );
  if (models.length > 0) {
    for (const m of models) {
      out.inputTokens += num(m, 'inputTokens');
      out.outputTokens += num(m, 'outputTokens');
      out.cacheReadTokens += num(m, 'cacheReadInputTokens');
      out.cacheCreationTokens += num(m, 'cacheCreationInputTokens');
    }
    return out;
  }
  const u = r?.usage;
  if (!u) return out;
  return {
    inputTokens: u.input_tokens ?? 0,
    outputTokens: u.output_tokens ?? 0,
    cacheReadTokens: u.cache_read_input_tokens ?? 0,
    cacheCreationTokens: u.cache_creation_input_tokens ?? 0,
  };
}

function classFromStatus(status: number | undefined): OutcomeClass | undefined {
  if (status === undefined) return undefined;
  if (status === 401 || status === 403) return 'not_authenticated';
  if (status === 429) return 'usage_limit';
  return 'api_error';
}

/** The CLI's error tags on synthetic assistant messages (structured, not message text). */
function classFromTag(tag: string | undefined): OutcomeClass | undefined {
  switch (tag) {
    case 'authentication_failed':
    case 'oauth_org_not_allowed':
    case 'billing_error':
      return 'not_authenticated';
    case 'rate_limit':
      return 'usage_limit';
    case undefined:
      return undefined;
    default:
      return 'api_error';
  }
}

function classify(f: OutcomeFacts): { cls: OutcomeClass; message: string } {
  if (f.stoppedFor === 'cancel') return { cls: 'cancelled', message: 'The session was cancelled.' };
  if (f.stoppedFor === 'timeout')
    return { cls: 'timed_out', message: `The session ran longer than ${f.timeoutMs ?? '?'} ms.` };
  if (f.stoppedFor === 'idle')
    return {
      cls: 'idle_timeout',
      message: `The agent was silent for more than ${f.idleTimeoutMs ?? '?'} ms.`,
    };
  const r = f.state.result;
  if (!r) {
    if (!f.state.init && f.exitCode !== 0 && USAGE_ERROR_RE.test(f.stderrHead)) {
      const first = f.stderrHead.split('\n').find((l) => l.trim()) ?? '';
      return {
        cls: 'cli_usage_error',
        message: `The CLI rejected its arguments: ${first.slice(0, 300)}`,
      };
    }
    if (f.state.rateLimit?.status === 'rejected')
      return { cls: 'usage_limit', message: 'The usage limit was reached.' };
    const how = f.signal ? `was killed by ${f.signal}` : `exited with code ${f.exitCode ?? '?'}`;
    return { cls: 'crashed', message: `The CLI ${how} without a result.` };
  }
  if (r.subtype === 'error_max_turns')
    return {
      cls: 'max_turns',
      message: `The session reached its turn limit (${r.num_turns ?? '?'} turns).`,
    };
  if (r.subtype === 'error_max_budget_usd') {
    return {
      cls: 'budget_exceeded',
      message: `The session exceeded its budget (spent $${(r.total_cost_usd ?? 0).toFixed(4)}).`,
    };
  }
  if (r.is_error || r.subtype !== 'success') {
    const status =
      typeof r.api_error_status === 'number' ? r.api_error_status : f.state.apiError?.status;
    const cls =
      classFromStatus(status) ??
      classFromTag(f.state.apiError?.error) ??
      (f.state.rateLimit?.status === 'rejected' ? 'usage_limit' : undefined) ??
      (r.terminal_reason === 'api_error'
        ? (classFromStatus(f.state.lastRetryStatus) ?? 'api_error')
        : 'crashed');
    const what =
      status !== undefined
        ? `API status ${status}`
        : (f.state.apiError?.error ?? r.terminal_reason ?? r.subtype);
    return { cls, message: `The session ended in an error (${what}).` };
  }
  if (f.jsonSchemaRequested && r.structured_output === undefined) {
    return {
      cls: 'structured_output_missing',
      message: 'The agent did not give the structured answer that was asked for.',
    };
  }
  return { cls: 'success', message: 'The session completed.' };
}

/** Builds the normalised outcome from the facts of a finished process. */
export function decideOutcome(f: OutcomeFacts): AgentOutcome {
  const { cls, message } = classify(f);
  const r = f.state.result;
  const model = f.state.init?.model ?? (r?.modelUsage ? Object.keys(r.modelUsage)[0] : undefined);
  const resetAt = cls === 'usage_limit' ? f.state.rateLimit?.resetsAt : undefined;
  return {
    class: cls,
    retryable: RETRYABLE[cls],
    message,
    ...(resetAt ? { resetAt } : {}),
    sessionId: f.sessionId,
    ...(model ? { model } : {}),
    turns: r?.num_turns ?? 0,
    usage: usageOf(f.state),
    costUsd: r?.total_cost_usd ?? 0,
    durationMs: f.durationMs,
    exitCode: f.exitCode,
    ...(typeof r?.result === 'string' ? { resultText: r.result } : {}),
    ...(r && r.structured_output !== undefined ? { structuredOutput: r.structured_output } : {}),
    permissionDenials: denialsOf(f.state),
  };
}
