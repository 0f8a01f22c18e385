import type { ServerResponse } from 'node:http';
import { resolveToolInput } from './request.ts';
import type { Turn, TurnContext } from './script.ts';
import {
  errorResponse,
  jsonMessage,
  rateLimitHeaders,
  startStream,
  streamMessage,
  type AnswerBlock,
} from './sse.ts';

/** How one scripted turn is written: streamed or as JSON, failure modes included. */
export interface AnswerOptions {
  stream: boolean;
  /** A number unique within the double, for message and tool-use ids. */
  n: number;
  /** Receives a response that is being held open (a stall), so the double can end it on close. */
  onStall: (res: ServerResponse) => void;
}

export function answerTurn(
  res: ServerResponse,
  turn: Turn,
  ctx: TurnContext,
  o: AnswerOptions,
): void {
  const id = `msg_double_${o.n}`;
  switch (turn.type) {
    case 'http_error': {
      const headers =
        turn.status === 429 ? { ...rateLimitHeaders(), ...turn.headers } : turn.headers;
      errorResponse(res, turn.status, {
        ...(turn.errorType ? { errorType: turn.errorType } : {}),
        ...(turn.message ? { message: turn.message } : {}),
        ...(headers ? { headers } : {}),
      });
      return;
    }
    case 'stall':
      startStream(res, id, ctx.model);
      o.onStall(res);
      return;
    case 'malformed':
      // The CLI retries a broken stream without streaming; that answer is broken too.
      if (!o.stream) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"type":"message","content":[{not json');
        return;
      }
      startStream(res, id, ctx.model);
      res.write(
        'event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{not json\n\n',
      );
      res.end();
      return;
    case 'text':
    case 'tool_use': {
      const blocks: AnswerBlock[] = [];
      if (turn.type === 'text') blocks.push({ type: 'text', text: turn.text });
      else {
        if (turn.text) blocks.push({ type: 'text', text: turn.text });
        blocks.push({
          type: 'tool_use',
          id: `toolu_double_${o.n}`,
          name: turn.name,
          input: resolveToolInput(turn.input, ctx.cwd),
        });
      }
      (o.stream ? streamMessage : jsonMessage)(res, id, ctx.model, blocks, turn.usage);
    }
  }
}
