import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import path from 'node:path';
import type { Turn, TurnContext, TurnUsage } from './script.ts';

/**
 * Writes one scripted turn as an OpenAI Responses API answer (SSE: response.created,
 * response.output_item.added/done, response.completed). Scripts are written for Claude Code's
 * tools; here they become Codex CLI's: Write and Edit become an `apply_patch` call (the CLI's
 * own file tool), Read and Bash an `exec_command` call, StructuredOutput the final message as
 * JSON (Codex's `--output-schema` asks for the answer itself in that shape).
 */
export type ResponsesItem = Record<string, unknown> & { type: string };

function event(res: ServerResponse, data: Record<string, unknown> & { type: string }): void {
  res.write(`event: ${data.type}\ndata: ${JSON.stringify(data)}\n\n`);
}

const lines = (s: string): string[] => (s.endsWith('\n') ? s.slice(0, -1) : s).split('\n');

function readMaybe(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** A patch that makes `file` hold `content`: added when missing, else every line replaced. */
export function patchFor(file: string, content: string, cwd: string | undefined): string {
  const abs = cwd && !path.isAbsolute(file) ? path.join(cwd, file) : file;
  const old = readMaybe(abs);
  const body =
    old === undefined
      ? [`*** Add File: ${file}`, ...lines(content).map((l) => `+${l}`)]
      : [
          `*** Update File: ${file}`,
          '@@',
          ...lines(old).map((l) => `-${l}`),
          ...lines(content).map((l) => `+${l}`),
        ];
  return ['*** Begin Patch', ...body, '*** End Patch', ''].join('\n');
}

const str = (x: unknown): string => (typeof x === 'string' ? x : '');
const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** The Codex item a Claude-style tool turn becomes. */
export function codexItem(
  turn: Extract<Turn, { type: 'tool_use' }>,
  ctx: TurnContext,
  n: number,
): ResponsesItem {
  const call = { id: `fc_double_${n}`, call_id: `call_double_${n}` };
  const input = turn.input;
  const file = str(input.file_path);
  switch (turn.name) {
    case 'Write':
      return {
        type: 'custom_tool_call',
        ...call,
        name: 'apply_patch',
        input: patchFor(file, str(input.content), ctx.cwd),
      };
    case 'Edit': {
      const abs = ctx.cwd && !path.isAbsolute(file) ? path.join(ctx.cwd, file) : file;
      const now = readMaybe(abs) ?? str(input.old_string);
      const next = now.replace(str(input.old_string), str(input.new_string));
      return {
        type: 'custom_tool_call',
        ...call,
        name: 'apply_patch',
        input: patchFor(file, next, ctx.cwd),
      };
    }
    case 'Read':
      return fn(call, 'exec_command', { cmd: `cat -- ${quote(file)}` });
    case 'Bash':
      return fn(call, 'exec_command', { cmd: str(input.command) });
    default:
      return fn(call, turn.name, input);
  }
}

function fn(
  call: { id: string; call_id: string },
  name: string,
  args: Record<string, unknown>,
): ResponsesItem {
  return { type: 'function_call', ...call, name, arguments: JSON.stringify(args) };
}

/** An assistant message item. */
export function messageItem(text: string, n: number): ResponsesItem {
  return {
    type: 'message',
    id: `msg_double_${n}`,
    role: 'assistant',
    status: 'completed',
    content: [{ type: 'output_text', text, annotations: [] }],
  };
}

function usageOf(u: TurnUsage | undefined): Record<string, unknown> {
  const input = u?.inputTokens ?? 10;
  const output = u?.outputTokens ?? 5;
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: u?.cacheReadTokens ?? 0 },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: input + output,
  };
}

/** Starts an SSE answer with `response.created`. */
export function startResponse(res: ServerResponse, id: string, model: string): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  event(res, {
    type: 'response.created',
    response: { id, object: 'response', status: 'in_progress', model, output: [] },
  });
}

/** Streams a whole answer: each item added and done (text as one delta), then completed. */
export function streamResponse(
  res: ServerResponse,
  id: string,
  model: string,
  items: ResponsesItem[],
  usage?: TurnUsage,
): void {
  startResponse(res, id, model);
  items.forEach((item, index) => {
    event(res, {
      type: 'response.output_item.added',
      output_index: index,
      item: { ...item, status: 'in_progress' },
    });
    if (item.type === 'message') {
      const text = (item.content as Array<{ text: string }>)[0]?.text ?? '';
      event(res, {
        type: 'response.output_text.delta',
        item_id: item.id,
        output_index: index,
        content_index: 0,
        delta: text,
      });
    }
    event(res, { type: 'response.output_item.done', output_index: index, item });
  });
  event(res, {
    type: 'response.completed',
    response: {
      id,
      object: 'response',
      status: 'completed',
      model,
      output: items,
      usage: usageOf(usage),
    },
  });
  res.end();
}

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'invalid_api_key',
  403: 'permission_denied',
  429: 'rate_limit_exceeded',
  500: 'server_error',
  503: 'server_is_overloaded',
};

/** An error answer in the API's JSON error shape (`usage_limit_reached` carries its reset). */
export function responsesError(
  res: ServerResponse,
  status: number,
  o: { errorType?: string; message?: string; headers?: Record<string, string> } = {},
): void {
  const type = o.errorType ?? ERROR_TYPES[status] ?? 'server_error';
  res.writeHead(status, { 'content-type': 'application/json', ...o.headers });
  res.end(
    JSON.stringify({
      error: { type, code: type, message: o.message ?? `model double: ${type}`, param: null },
    }),
  );
}

/** Headers of a usage limit that resets at `resetAt` (epoch seconds), as Codex reads them. */
export function usageLimitHeaders(resetAt: number): Record<string, string> {
  return {
    'x-codex-primary-used-percent': '100',
    'x-codex-primary-window-minutes': '300',
    'x-codex-primary-reset-at': String(resetAt),
  };
}

/** Answers one turn; `onStall` receives a response held open. */
export function answerResponsesTurn(
  res: ServerResponse,
  turn: Turn,
  ctx: TurnContext,
  n: number,
  onStall: (res: ServerResponse) => void,
): void {
  const id = `resp_double_${n}`;
  switch (turn.type) {
    case 'http_error':
      responsesError(res, turn.status, {
        ...(turn.errorType ? { errorType: turn.errorType } : {}),
        ...(turn.message ? { message: turn.message } : {}),
        ...(turn.headers ? { headers: turn.headers } : {}),
      });
      return;
    case 'stall':
      startResponse(res, id, ctx.model);
      onStall(res);
      return;
    case 'malformed':
      startResponse(res, id, ctx.model);
      res.write('event: response.output_item.added\ndata: {not json\n\n');
      res.end();
      return;
    case 'text':
      streamResponse(res, id, ctx.model, [messageItem(turn.text, n)], turn.usage);
      return;
    case 'tool_use': {
      const item =
        turn.name === 'StructuredOutput'
          ? messageItem(JSON.stringify(turn.input), n)
          : codexItem(turn, ctx, n);
      streamResponse(res, id, ctx.model, [item], turn.usage);
    }
  }
}
