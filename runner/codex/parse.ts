import * as v from 'valibot';
import type { AgentEvent } from '../agent/port.ts';
import {
  execSchemaFor,
  ExecUsage,
  ItemLine,
  ThreadStarted,
  TurnCompleted,
  TurnFailed,
  type Item,
} from './lines.ts';

export { LineSplitter } from '../agent/line-splitter.ts';

/**
 * Turns `codex exec --json` lines into normalised events and keeps the facts the outcome needs:
 * the thread id (it names the rollout file), whether the turn completed or failed, the usage
 * the CLI reported, the last agent message (the structured answer when one was asked for) and
 * the number of tool calls (the turn bound). One parser per session.
 */
export interface CodexStreamState {
  threadId?: string;
  completed: boolean;
  failed: boolean;
  usage?: v.InferOutput<typeof ExecUsage>;
  lastAgentMessage?: string;
  /** Tool calls the model made (commands, patches, MCP calls, searches). */
  toolCalls: number;
  lines: number;
  unparsed: number;
}

export interface CodexStreamParser {
  state: CodexStreamState;
  parse(line: string): AgentEvent[];
}

const SUMMARY_MAX = 200;
const TEXT_EVENT_MAX = 4000;

function clip(s: string, max = SUMMARY_MAX): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

/** Codex's item types that are tool calls, and the tool name each is shown under. */
const TOOL_OF: Record<string, string> = {
  command_execution: 'exec_command',
  file_change: 'apply_patch',
  mcp_tool_call: 'mcp',
  web_search: 'web_search',
  collab_tool_call: 'collab',
};

function summary(item: Item): string {
  if (item.command) return clip(item.command);
  if (item.changes?.length)
    return clip(item.changes.map((c) => `${c.kind ?? 'change'} ${c.path}`).join(', '));
  if (item.query) return clip(item.query);
  if (item.server || item.tool) return clip(`${item.server ?? ''}/${item.tool ?? ''}`);
  return '';
}

function onItem(
  kind: string,
  item: Item,
  state: CodexStreamState,
  out: AgentEvent[],
  seen: Set<string>,
): void {
  const tool = TOOL_OF[item.type];
  if (tool) {
    // A refused or failed patch may arrive as item.completed without an item.started.
    if (!seen.has(item.id)) {
      seen.add(item.id);
      state.toolCalls++;
      out.push({ kind: 'tool_use', id: item.id, tool, summary: summary(item) });
    }
    if (kind === 'item.completed') {
      const failed =
        item.status === 'failed' ||
        item.status === 'declined' ||
        (typeof item.exit_code === 'number' && item.exit_code !== 0);
      out.push({
        kind: 'tool_result',
        toolUseId: item.id,
        isError: failed,
        summary: clip(item.aggregated_output ?? item.status ?? ''),
      });
    }
    return;
  }
  if (kind !== 'item.completed') return;
  if (item.type === 'agent_message' && typeof item.text === 'string') {
    state.lastAgentMessage = item.text;
    out.push({ kind: 'text', text: clip(item.text, TEXT_EVENT_MAX) });
  } else if (item.type === 'error' && item.message) {
    out.push({ kind: 'notice', message: clip(item.message) });
  }
}

/** A fresh parser with empty state. */
export function createCodexStreamParser(): CodexStreamParser {
  const state: CodexStreamState = {
    completed: false,
    failed: false,
    toolCalls: 0,
    lines: 0,
    unparsed: 0,
  };
  const seen = new Set<string>();
  return {
    state,
    parse(text) {
      state.lines++;
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        state.unparsed++;
        return [{ kind: 'notice', message: `unparsable output line (${text.length} chars)` }];
      }
      if (!json || typeof json !== 'object') return [];
      const type = (json as { type?: unknown }).type;
      const schema = execSchemaFor(type);
      if (!schema) return [];
      const parsed = v.safeParse(schema, json);
      if (!parsed.success) {
        state.unparsed++;
        return [{ kind: 'notice', message: `unexpected shape of a ${String(type)} line` }];
      }
      const out: AgentEvent[] = [];
      switch (type) {
        case 'thread.started':
          state.threadId = (parsed.output as v.InferOutput<typeof ThreadStarted>).thread_id;
          out.push({ kind: 'init', sessionId: state.threadId, tools: [] });
          break;
        case 'turn.completed': {
          const u = (parsed.output as v.InferOutput<typeof TurnCompleted>).usage;
          state.completed = true;
          if (u) state.usage = u;
          break;
        }
        case 'turn.failed': {
          state.failed = true;
          const m = (parsed.output as v.InferOutput<typeof TurnFailed>).error?.message;
          if (m) out.push({ kind: 'notice', message: clip(m) });
          break;
        }
        case 'error':
          // Retries and failures, as text only: shown, never classified (the rollout is).
          out.push({
            kind: 'notice',
            message: clip(String((json as { message?: unknown }).message ?? '')),
          });
          break;
        default: {
          const l = parsed.output as v.InferOutput<typeof ItemLine>;
          onItem(l.type, l.item, state, out, seen);
        }
      }
      return out;
    },
  };
}
