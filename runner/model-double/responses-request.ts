import * as v from 'valibot';
import type { ToolResultInfo, TurnContext } from './script.ts';

/**
 * Reading an OpenAI Responses API request body (what Codex CLI sends to `/v1/responses`): only
 * the fields the double uses, everything else tolerated. The conversation is the `input` list of
 * items; the model's earlier answers appear in it as `function_call`, `custom_tool_call` and
 * assistant `message` items, so their count is the position, as with the Messages API.
 */
const Item = v.looseObject({ type: v.optional(v.string(), 'message') });
const Tool = v.looseObject({ type: v.string(), name: v.nullish(v.string()) });

export const ResponsesBody = v.looseObject({
  model: v.optional(v.string(), 'gpt-double'),
  stream: v.optional(v.boolean(), false),
  input: v.optional(v.array(Item), []),
  instructions: v.nullish(v.string()),
  tools: v.optional(v.array(Tool), []),
  text: v.nullish(
    v.looseObject({
      format: v.nullish(
        v.looseObject({ type: v.string(), schema: v.optional(v.record(v.string(), v.unknown())) }),
      ),
    }),
  ),
});
export type ResponsesBody = v.InferOutput<typeof ResponsesBody>;
type Item = Record<string, unknown> & { type: string };

const ANSWER_TYPES = new Set(['function_call', 'custom_tool_call']);

function isAnswer(i: Item): boolean {
  return ANSWER_TYPES.has(i.type) || (i.type === 'message' && i.role === 'assistant');
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((c) =>
      c && typeof c === 'object' && 'text' in c && typeof c.text === 'string' ? c.text : '',
    )
    .join('');
}

/** User messages the CLI writes itself: its environment (a tag) and a workspace's AGENTS.md. */
const isHarnessText = (t: string): boolean =>
  /^\s*<[a-z_]+[\s>]/.test(t) || t.startsWith('# AGENTS.md instructions');

const CWD_RE = /<cwd>([^<\n]+)<\/cwd>/;

/** Codex reports a failed command or a refused patch only in the output text. */
const FAILED_OUTPUT_RE = /Process exited with code [1-9]|^Exit code: [1-9]|patch rejected|^error:/m;

/** The derived, stateless view of a Responses request that scripts receive. */
export function responsesContext(scriptId: string, body: ResponsesBody): TurnContext {
  const items = body.input as Item[];
  const position = items.filter(isAnswer).length;
  const userTexts = items
    .filter((i) => i.type === 'message' && i.role === 'user')
    .map((i) => textOf(i.content));
  const prompt = userTexts.find((t) => !isHarnessText(t)) ?? '';
  const cwd = userTexts.map((t) => CWD_RE.exec(t)?.[1]).find((c) => c !== undefined);
  const lastAnswer = items.findLastIndex(isAnswer);
  const tail = items.slice(lastAnswer + 1);
  const lastToolResults: ToolResultInfo[] = tail
    .filter((i) => i.type === 'function_call_output' || i.type === 'custom_tool_call_output')
    .map((i) => {
      const content = typeof i.output === 'string' ? i.output : textOf(i.output);
      return {
        toolUseId: String(i.call_id ?? ''),
        isError: FAILED_OUTPUT_RE.test(content),
        content,
      };
    });
  const lastUserText = tail
    .filter((i) => i.type === 'message' && i.role === 'user')
    .map((i) => textOf(i.content))
    .join('\n');
  const schema = body.text?.format?.type === 'json_schema' ? body.text.format.schema : undefined;
  return {
    scriptId,
    position,
    prompt,
    ...(cwd ? { cwd: cwd.trim() } : {}),
    model: body.model,
    toolNames: body.tools.map((t) => t.name ?? t.type),
    ...(schema ? { structuredSchema: schema } : {}),
    lastToolResults,
    lastUserText,
  };
}
