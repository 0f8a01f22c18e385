import type { ServerResponse } from 'node:http';
import * as v from 'valibot';
import {
  answerResponsesTurn,
  responsesError,
  streamResponse,
  messageItem,
} from './responses-answer.ts';
import { ResponsesBody, responsesContext } from './responses-request.ts';
import { turnFor, type Script } from './script.ts';
import type { RecordedRequest } from './server.ts';

/** What the Responses route needs of the double's server. */
export interface ResponsesRouteDeps {
  script(scriptId: string | null): Script | undefined;
  record(r: RecordedRequest): void;
  next(): number;
  onStall(res: ServerResponse): void;
}

/**
 * `POST /v1/responses`: the OpenAI Responses API as Codex CLI calls it (streaming). The same
 * scripts as the Messages API answer it, so one script drives either agent.
 */
export function handleResponses(
  res: ServerResponse,
  raw: Buffer,
  base: RecordedRequest,
  deps: ResponsesRouteDeps,
): void {
  let json: unknown;
  try {
    json = JSON.parse(raw.toString('utf8'));
  } catch {
    deps.record(base);
    return responsesError(res, 400, { message: 'body is not JSON' });
  }
  const parsed = v.safeParse(ResponsesBody, json);
  if (!parsed.success) {
    deps.record(base);
    return responsesError(res, 400, { message: 'not a Responses API body' });
  }
  const ctx = responsesContext(base.scriptId ?? 'default', parsed.output);
  if (parsed.output.tools.length === 0) {
    // Side calls (titles, summaries, compaction) get a plain answer and never advance a script.
    deps.record({ ...base, kind: 'side', context: ctx });
    const n = deps.next();
    return streamResponse(res, `resp_side_${n}`, ctx.model, [messageItem('Session', n)]);
  }
  const script = deps.script(base.scriptId);
  if (!script) {
    deps.record({ ...base, kind: 'messages', context: ctx });
    return responsesError(res, 400, {
      message: `model double: no script registered as ${base.scriptId}`,
    });
  }
  const turn = turnFor(script, ctx);
  deps.record({ ...base, kind: 'messages', context: ctx, answered: turn.type });
  answerResponsesTurn(res, turn, ctx, deps.next(), deps.onStall);
}
