import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as v from 'valibot';
import { answerTurn } from './answer.ts';
import { contextOf, isMainRequest, MessagesBody } from './request.ts';
import { handleResponses } from './responses-route.ts';
import { turnFor, type Script, type Turn, type TurnContext } from './script.ts';
import { errorResponse, jsonMessage, streamMessage } from './sse.ts';

/**
 * The model double: a local HTTP server that speaks the Anthropic Messages API (SSE streaming)
 * well enough for the real Claude Code CLI to run its real tools against scripted answers, and
 * the OpenAI Responses API (`/v1/responses`, responses-route.ts) for the real Codex CLI.
 * Point a session at `${url}/s/<scriptId>` (ANTHROPIC_BASE_URL) to use a registered script;
 * without the prefix the default script answers. Every answer is derived from the request alone
 * (position = assistant messages so far), so concurrent sessions never interfere.
 */

export type RequestKind = 'hello' | 'messages' | 'side' | 'count_tokens' | 'other';

/** One request the double received. Bodies are kept for main turns only; keys never. */
export interface RecordedRequest {
  at: number;
  method: string;
  path: string;
  scriptId: string | null;
  kind: RequestKind;
  hasApiKey: boolean;
  sessionHeader?: string;
  /** The derived context (main turns). */
  context?: TurnContext;
  /** The turn type answered (main turns). */
  answered?: Turn['type'];
  /** The parsed body (main turns), for assertions on prompts. */
  body?: MessagesBody;
}

export interface ModelDoubleOptions {
  /** Script for requests without a `/s/<id>` prefix. Default: answer "Done." */
  defaultScript?: Script;
  host?: string;
  port?: number;
  /** When set, requests must carry this key (x-api-key or bearer) or get 401. */
  apiKey?: string;
  /** Requests kept in `requests` (oldest dropped first). Default 2000. */
  maxRecorded?: number;
  /** Largest request body accepted. Default 32 MiB. */
  maxBodyBytes?: number;
}

export interface ModelDouble {
  url: string;
  port: number;
  /** Everything received, oldest first (bounded by maxRecorded). */
  requests: RecordedRequest[];
  /** Registers a script; returns the base URL that selects it. */
  register(scriptId: string, script: Script): string;
  unregister(scriptId: string): void;
  /** Base URL for a registered script id. */
  baseUrlFor(scriptId: string): string;
  close(): Promise<void>;
}

const PREFIX_RE = /^\/s\/([A-Za-z0-9_-]{1,80})(\/.*)?$/;
const SCRIPT_ID_RE = /^[A-Za-z0-9_-]{1,80}$/;

function readBody(req: IncomingMessage, max: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) {
        resolve(null);
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function apiKeyOf(req: IncomingMessage): string | undefined {
  const k = req.headers['x-api-key'];
  if (typeof k === 'string' && k) return k;
  const auth = req.headers.authorization;
  return auth?.startsWith('Bearer ') ? auth.slice(7) : undefined;
}

/** Starts the double on a free loopback port (or the given one). */
export async function startModelDouble(options: ModelDoubleOptions = {}): Promise<ModelDouble> {
  const scripts = new Map<string, Script>();
  const defaultScript: Script = options.defaultScript ?? [{ type: 'text', text: 'Done.' }];
  const requests: RecordedRequest[] = [];
  const maxRecorded = options.maxRecorded ?? 2000;
  const maxBody = options.maxBodyBytes ?? 32 * 1024 * 1024;
  const stalled = new Set<ServerResponse>();
  let counter = 0;

  const record = (r: RecordedRequest): void => {
    requests.push(r);
    if (requests.length > maxRecorded) requests.splice(0, requests.length - maxRecorded);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://double');
    const prefixed = PREFIX_RE.exec(url.pathname);
    const scriptId = prefixed ? (prefixed[1] ?? null) : null;
    const rest = prefixed ? (prefixed[2] ?? '/') : url.pathname;
    const method = req.method ?? 'GET';
    const base: RecordedRequest = {
      at: Date.now(),
      method,
      path: rest,
      scriptId,
      kind: 'other',
      hasApiKey: apiKeyOf(req) !== undefined,
    };
    const sessionHeader = req.headers['x-claude-code-session-id'];
    if (typeof sessionHeader === 'string') base.sessionHeader = sessionHeader;

    if (rest === '/api/hello') {
      record({ ...base, kind: 'hello' });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(method === 'HEAD' ? undefined : '{"message":"hello"}');
      return;
    }
    const raw = await readBody(req, maxBody);
    if (raw === null) return errorResponse(res, 413, { message: 'request too large' });
    if (options.apiKey !== undefined && apiKeyOf(req) !== options.apiKey) {
      record(base);
      return errorResponse(res, 401, { message: 'invalid x-api-key' });
    }
    if (method === 'POST' && rest === '/v1/responses') {
      return handleResponses(res, raw, base, {
        script: (id) => (id === null ? defaultScript : scripts.get(id)),
        record,
        next: () => ++counter,
        onStall: (r) => {
          stalled.add(r);
          r.on('close', () => stalled.delete(r));
        },
      });
    }
    if (method !== 'POST' || !rest.startsWith('/v1/messages')) {
      record(base);
      return errorResponse(res, 404, { message: `model double: no route for ${method} ${rest}` });
    }
    let json: unknown;
    try {
      json = JSON.parse(raw.toString('utf8'));
    } catch {
      record(base);
      return errorResponse(res, 400, { message: 'body is not JSON' });
    }
    if (rest.startsWith('/v1/messages/count_tokens')) {
      record({ ...base, kind: 'count_tokens' });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ input_tokens: Math.max(1, Math.ceil(raw.length / 4)) }));
      return;
    }
    const parsed = v.safeParse(MessagesBody, json);
    if (!parsed.success) {
      record(base);
      return errorResponse(res, 400, { message: 'not a Messages API body' });
    }
    const body = parsed.output;
    const ctx = contextOf(scriptId ?? 'default', body);
    if (!isMainRequest(body)) {
      // Side calls (titles, summaries) get a plain answer and never advance a script.
      record({ ...base, kind: 'side', context: ctx });
      (body.stream ? streamMessage : jsonMessage)(res, `msg_side_${++counter}`, ctx.model, [
        { type: 'text', text: 'Session' },
      ]);
      return;
    }
    const script = scriptId === null ? defaultScript : scripts.get(scriptId);
    if (!script) {
      record({ ...base, kind: 'messages', context: ctx });
      return errorResponse(res, 400, {
        message: `model double: no script registered as ${scriptId}`,
      });
    }
    const turn = turnFor(script, ctx);
    record({ ...base, kind: 'messages', context: ctx, answered: turn.type, body });
    answerTurn(res, turn, ctx, {
      stream: body.stream,
      n: ++counter,
      onStall: (r) => {
        stalled.add(r);
        r.on('close', () => stalled.delete(r));
      },
    });
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent)
        errorResponse(res, 500, { message: `model double failed: ${String(e)}` });
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${options.host ?? '127.0.0.1'}:${port}`;

  return {
    url,
    port,
    requests,
    register(scriptId, script) {
      if (!SCRIPT_ID_RE.test(scriptId))
        throw new Error(`script id must match ${SCRIPT_ID_RE}: ${scriptId}`);
      scripts.set(scriptId, script);
      return `${url}/s/${scriptId}`;
    },
    unregister(scriptId) {
      scripts.delete(scriptId);
    },
    baseUrlFor(scriptId) {
      return `${url}/s/${scriptId}`;
    },
    async close() {
      for (const res of stalled) res.destroy();
      stalled.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
