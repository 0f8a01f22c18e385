import * as v from 'valibot';
import type { AgentEvent } from '../agent/port.ts';
import {
  ApiRetryLine,
  AssistantLine,
  InitLine,
  PermissionDeniedLine,
  RateLimitLine,
  ResultLine,
  schemaFor,
  TextBlock,
  ToolResultBlock,
  ToolUseBlock,
  UserLine,
} from './lines.ts';

export { LineSplitter, type SplitLine } from '../agent/line-splitter.ts';

/**
 * Turns stream-json lines into normalised events and keeps the structured facts the outcome
 * is decided from. One parser per session.
 */
export interface StreamState {
  init?: v.InferOutput<typeof InitLine>;
  result?: v.InferOutput<typeof ResultLine>;
  /** The last rate-limit report; `rejected` ones are kept over later `allowed` ones. */
  rateLimit?: { status: string; resetsAt?: string; limitType?: string };
  /** The CLI's own error tag on a synthetic assistant message (`authentication_failed`…). */
  apiError?: { error?: string; status?: number };
  lastRetryStatus?: number;
  lines: number;
  unparsed: number;
}

export interface StreamParser {
  state: StreamState;
  /** Parses one line (without newline) into zero or more events. */
  parse(line: string): AgentEvent[];
}

const SUMMARY_MAX = 200;
/** Text events are progress, not the record: the transcript keeps the whole text. */
const TEXT_EVENT_MAX = 4000;

function clip(s: string, max = SUMMARY_MAX): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

/** A short, readable description of a tool call's input. */
export function summariseToolInput(tool: string, input: unknown): string {
  if (!input || typeof input !== 'object') return '';
  const o = input as Record<string, unknown>;
  for (const key of ['file_path', 'notebook_path', 'command', 'pattern', 'url', 'path']) {
    const val = o[key];
    if (typeof val === 'string') return clip(val);
  }
  if (tool === 'StructuredOutput') return clip(`fields: ${Object.keys(o).join(', ')}`);
  return clip(JSON.stringify(o));
}

function resultText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((b) =>
        b && typeof b === 'object' && 'text' in b && typeof b.text === 'string' ? b.text : '',
      )
      .join('');
  }
  return '';
}

/** Reset times arrive as epoch seconds, epoch milliseconds or ISO text; normalised to ISO. */
export function normaliseResetTime(value: number | string | null | undefined): string | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  const n = typeof value === 'number' ? value : /^\d+(\.\d+)?$/.test(value) ? Number(value) : NaN;
  const ms = Number.isFinite(n) ? (n < 1e12 ? n * 1000 : n) : Date.parse(String(value));
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
}

function onAssistant(
  line: v.InferOutput<typeof AssistantLine>,
  state: StreamState,
  out: AgentEvent[],
): void {
  if (line.is_api_error_message || line.error) {
    state.apiError = {
      ...(line.error ? { error: line.error } : {}),
      ...(typeof line.api_error_status === 'number' ? { status: line.api_error_status } : {}),
    };
  }
  for (const block of line.message.content) {
    if (block.type === 'text') {
      const t = v.safeParse(TextBlock, block);
      if (t.success && t.output.text)
        out.push({ kind: 'text', text: clip(t.output.text, TEXT_EVENT_MAX) });
    } else if (block.type === 'tool_use') {
      const t = v.safeParse(ToolUseBlock, block);
      if (t.success)
        out.push({
          kind: 'tool_use',
          id: t.output.id,
          tool: t.output.name,
          summary: summariseToolInput(t.output.name, t.output.input),
        });
    }
  }
}

function onUser(line: v.InferOutput<typeof UserLine>, out: AgentEvent[]): void {
  if (typeof line.message.content === 'string') return;
  for (const block of line.message.content) {
    if (block.type !== 'tool_result') continue;
    const t = v.safeParse(ToolResultBlock, block);
    if (t.success) {
      out.push({
        kind: 'tool_result',
        toolUseId: t.output.tool_use_id,
        isError: t.output.is_error === true,
        summary: clip(resultText(t.output.content)),
      });
    }
  }
}

function onRateLimit(
  line: v.InferOutput<typeof RateLimitLine>,
  state: StreamState,
  out: AgentEvent[],
): void {
  const info = line.rate_limit_info;
  const resetsAt = normaliseResetTime(info.resetsAt);
  const ev = {
    status: info.status,
    ...(resetsAt ? { resetsAt } : {}),
    ...(info.rateLimitType ? { limitType: info.rateLimitType } : {}),
  };
  if (!(state.rateLimit?.status === 'rejected' && ev.status !== 'rejected')) state.rateLimit = ev;
  out.push({ kind: 'rate_limit', ...ev });
}

/** A fresh parser with empty state. */
export function createStreamParser(): StreamParser {
  const state: StreamState = { lines: 0, unparsed: 0 };
  return {
    state,
    parse(text: string): AgentEvent[] {
      state.lines++;
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        state.unparsed++;
        return [{ kind: 'notice', message: `unparsable output line (${text.length} chars)` }];
      }
      if (!json || typeof json !== 'object') return [];
      const { type, subtype } = json as { type?: unknown; subtype?: unknown };
      const schema = schemaFor(type, subtype);
      if (!schema) return [];
      const parsed = v.safeParse(schema, json);
      if (!parsed.success) {
        state.unparsed++;
        return [{ kind: 'notice', message: `unexpected shape of a ${String(type)} line` }];
      }
      const out: AgentEvent[] = [];
      switch (type) {
        case 'assistant':
          onAssistant(parsed.output as v.InferOutput<typeof AssistantLine>, state, out);
          break;
        case 'user':
          onUser(parsed.output as v.InferOutput<typeof UserLine>, out);
          break;
        case 'rate_limit_event':
          onRateLimit(parsed.output as v.InferOutput<typeof RateLimitLine>, state, out);
          break;
        case 'result': {
          const r = parsed.output as v.InferOutput<typeof ResultLine>;
          state.result = r;
          out.push({
            kind: 'result',
            isError: r.is_error,
            subtype: r.subtype,
            turns: r.num_turns ?? 0,
            costUsd: r.total_cost_usd ?? 0,
            durationMs: r.duration_ms ?? 0,
            ...(typeof r.result === 'string' ? { text: clip(r.result, 2000) } : {}),
          });
          break;
        }
        default:
          if (subtype === 'init') {
            const i = parsed.output as v.InferOutput<typeof InitLine>;
            state.init = i;
            out.push({
              kind: 'init',
              sessionId: i.session_id,
              tools: i.tools ?? [],
              ...(i.model ? { model: i.model } : {}),
              ...(i.cwd ? { cwd: i.cwd } : {}),
              ...(i.claude_code_version ? { agentVersion: i.claude_code_version } : {}),
            });
          } else if (subtype === 'api_retry') {
            const r = parsed.output as v.InferOutput<typeof ApiRetryLine>;
            if (typeof r.error_status === 'number') state.lastRetryStatus = r.error_status;
            out.push({
              kind: 'api_retry',
              attempt: r.attempt,
              maxRetries: r.max_retries,
              delayMs: r.retry_delay_ms,
              status: r.error_status ?? null,
              ...(r.error ? { error: r.error } : {}),
            });
          } else {
            const d = parsed.output as v.InferOutput<typeof PermissionDeniedLine>;
            out.push({
              kind: 'permission_denied',
              tool: d.tool_name,
              ...(d.tool_use_id ? { toolUseId: d.tool_use_id } : {}),
            });
          }
      }
      return out;
    },
  };
}
