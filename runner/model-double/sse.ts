import type { ServerResponse } from 'node:http';
import type { TurnUsage } from './script.ts';

/** One answer block the double streams. */
export type AnswerBlock =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> };

function usageStart(u: TurnUsage | undefined): Record<string, number> {
  return {
    input_tokens: u?.inputTokens ?? 10,
    output_tokens: 1,
    cache_read_input_tokens: u?.cacheReadTokens ?? 0,
    cache_creation_input_tokens: u?.cacheCreationTokens ?? 0,
  };
}

function event(res: ServerResponse, name: string, data: unknown): void {
  res.write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
}

export function startStream(
  res: ServerResponse,
  id: string,
  model: string,
  usage?: TurnUsage,
): void {
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    'request-id': id,
  });
  event(res, 'message_start', {
    type: 'message_start',
    message: {
      id,
      type: 'message',
      role: 'assistant',
      model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: usageStart(usage),
    },
  });
}

/**
 * Streams a whole assistant message: message_start, each block (tool input as two
 * input_json_delta chunks, as the real API splits it), message_delta with usage, message_stop.
 */
export function streamMessage(
  res: ServerResponse,
  id: string,
  model: string,
  blocks: AnswerBlock[],
  usage?: TurnUsage,
): void {
  startStream(res, id, model, usage);
  blocks.forEach((b, index) => {
    if (b.type === 'text') {
      event(res, 'content_block_start', {
        type: 'content_block_start',
        index,
        content_block: { type: 'text', text: '' },
      });
      event(res, 'content_block_delta', {
        type: 'content_block_delta',
        index,
        delta: { type: 'text_delta', text: b.text },
      });
    } else {
      event(res, 'content_block_start', {
        type: 'content_block_start',
        index,
        content_block: { type: 'tool_use', id: b.id, name: b.name, input: {} },
      });
      const json = JSON.stringify(b.input);
      const cut = Math.floor(json.length / 2);
      for (const part of [json.slice(0, cut), json.slice(cut)]) {
        event(res, 'content_block_delta', {
          type: 'content_block_delta',
          index,
          delta: { type: 'input_json_delta', partial_json: part },
        });
      }
    }
    event(res, 'content_block_stop', { type: 'content_block_stop', index });
  });
  const stop = blocks.some((b) => b.type === 'tool_use') ? 'tool_use' : 'end_turn';
  event(res, 'message_delta', {
    type: 'message_delta',
    delta: { stop_reason: stop, stop_sequence: null },
    usage: { output_tokens: usage?.outputTokens ?? 5 },
  });
  event(res, 'message_stop', { type: 'message_stop' });
  res.end();
}

/** The same answer as one JSON body, for non-streaming calls. */
export function jsonMessage(
  res: ServerResponse,
  id: string,
  model: string,
  blocks: AnswerBlock[],
  usage?: TurnUsage,
): void {
  const body = {
    id,
    type: 'message',
    role: 'assistant',
    model,
    content: blocks,
    stop_reason: blocks.some((b) => b.type === 'tool_use') ? 'tool_use' : 'end_turn',
    stop_sequence: null,
    usage: { ...usageStart(usage), output_tokens: usage?.outputTokens ?? 5 },
  };
  res.writeHead(200, { 'content-type': 'application/json', 'request-id': id });
  res.end(JSON.stringify(body));
}

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error',
};

/** An error answer in the API's JSON error shape. */
export function errorResponse(
  res: ServerResponse,
  status: number,
  options: { errorType?: string; message?: string; headers?: Record<string, string> } = {},
): void {
  const type = options.errorType ?? ERROR_TYPES[status] ?? 'api_error';
  res.writeHead(status, { 'content-type': 'application/json', ...options.headers });
  res.end(
    JSON.stringify({
      type: 'error',
      error: { type, message: options.message ?? `model double: ${type}` },
    }),
  );
}

/**
 * Rate-limit headers for a 429 (a reset one minute ahead). No `retry-after` by default: the CLI
 * honours it and would wait that long before its own retry (measured with CLI 2.1.331).
 */
export function rateLimitHeaders(now = Date.now()): Record<string, string> {
  const reset = Math.floor(now / 1000) + 60;
  return {
    'anthropic-ratelimit-unified-status': 'rejected',
    'anthropic-ratelimit-unified-reset': String(reset),
    'anthropic-ratelimit-requests-remaining': '0',
    'anthropic-ratelimit-requests-reset': new Date(reset * 1000).toISOString(),
  };
}
