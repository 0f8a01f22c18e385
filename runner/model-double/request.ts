import path from 'node:path';
import * as v from 'valibot';
import type { ToolResultInfo, TurnContext } from './script.ts';

/**
 * Reading a Messages API request body: only the fields the double uses, everything else
 * tolerated.
 */
const Block = v.looseObject({ type: v.string() });
const Message = v.looseObject({ role: v.string(), content: v.union([v.string(), v.array(Block)]) });
const Tool = v.looseObject({
  name: v.string(),
  input_schema: v.optional(v.record(v.string(), v.unknown())),
});

export const MessagesBody = v.looseObject({
  model: v.optional(v.string(), 'claude-double'),
  stream: v.optional(v.boolean(), false),
  messages: v.array(Message),
  system: v.optional(v.unknown()),
  tools: v.optional(v.array(Tool), []),
});
export type MessagesBody = v.InferOutput<typeof MessagesBody>;
type Msg = v.InferOutput<typeof Message>;

function blocks(m: Msg): Array<Record<string, unknown>> {
  return typeof m.content === 'string' ? [{ type: 'text', text: m.content }] : m.content;
}

function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value))
    return value
      .map((b) => (b && typeof b === 'object' && 'text' in b ? String(b.text) : ''))
      .join('');
  return '';
}

/** A main conversation turn offers tools; side calls (titles, summaries) do not. */
export function isMainRequest(body: MessagesBody): boolean {
  return body.tools.length > 0;
}

const CWD_RE = /Primary working directory: ([^\n]+)/;

function findCwd(body: MessagesBody): string | undefined {
  // CLI 2.1.33x states the environment in a reminder inside the first user message; earlier
  // versions put it in the system prompt.
  const texts: string[] = [textOf(body.system)];
  for (const m of body.messages) if (m.role !== 'assistant') texts.push(textOf(m.content));
  for (const t of texts) {
    const hit = CWD_RE.exec(t);
    if (hit?.[1]) return hit[1].trim();
  }
  return undefined;
}

/** The derived, stateless view of a request that scripts receive. */
export function contextOf(scriptId: string, body: MessagesBody): TurnContext {
  const position = body.messages.filter((m) => m.role === 'assistant').length;
  const firstUser = body.messages.find((m) => m.role === 'user');
  const prompt = firstUser
    ? blocks(firstUser)
        .filter(
          (b) =>
            b.type === 'text' &&
            typeof b.text === 'string' &&
            !b.text.startsWith('<system-reminder>'),
        )
        .map((b) => String(b.text))
        .join('')
    : '';
  const lastUser = [...body.messages].reverse().find((m) => m.role === 'user');
  const lastBlocks = lastUser ? blocks(lastUser) : [];
  const lastToolResults: ToolResultInfo[] = lastBlocks
    .filter((b) => b.type === 'tool_result')
    .map((b) => ({
      toolUseId: String(b.tool_use_id ?? ''),
      isError: b.is_error === true,
      content: textOf(b.content),
    }));
  const lastUserText = lastBlocks
    .filter((b) => b.type === 'text')
    .map((b) => String(b.text ?? ''))
    .join('\n');
  const so = body.tools.find((t) => t.name === 'StructuredOutput');
  const cwd = findCwd(body);
  return {
    scriptId,
    position,
    prompt,
    ...(cwd ? { cwd } : {}),
    model: body.model,
    toolNames: body.tools.map((t) => t.name),
    ...(so?.input_schema ? { structuredSchema: so.input_schema } : {}),
    lastToolResults,
    lastUserText,
  };
}

const PATH_KEYS = ['file_path', 'notebook_path'];

/** Resolves relative file paths of a scripted tool input against the session's cwd. */
export function resolveToolInput(
  input: Record<string, unknown>,
  cwd: string | undefined,
): Record<string, unknown> {
  if (!cwd) return input;
  const out: Record<string, unknown> = { ...input };
  for (const k of PATH_KEYS) {
    const p = out[k];
    if (typeof p === 'string' && !path.isAbsolute(p)) out[k] = path.join(cwd, p);
  }
  return out;
}
