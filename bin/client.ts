import { setTimeout as sleep } from 'node:timers/promises';
import type { Problem } from '../functions/contract/index.ts';
import { takeSseMessages } from './sse.ts';
import { terminalSafe } from './terminal.ts';

/**
 * The terminal client's HTTP side: JSON calls to a running server (problem documents become
 * readable errors) and a Server-Sent Events reader that reconnects with Last-Event-ID.
 */
export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem | undefined;
  constructor(status: number, message: string, problem?: Problem) {
    super(message);
    this.status = status;
    this.problem = problem;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface Client {
  baseUrl: string;
  call<T>(method: string, path: string, body?: unknown): Promise<T>;
  /** Yields SSE messages from `path` until `signal` aborts; reconnects after drops. */
  events(
    path: string,
    signal: AbortSignal,
  ): AsyncGenerator<{ event: string; id?: string; data: unknown }>;
}

export function createClient(baseUrl: string, token?: string): Client {
  const base = baseUrl.replace(/\/+$/, '');
  const auth: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  return {
    baseUrl: base,
    async call<T>(method: string, path: string, body?: unknown): Promise<T> {
      let res: Response;
      try {
        res = await fetch(`${base}${path}`, {
          method,
          // The server refuses a mutating call that is not JSON, bodiless ones included.
          headers: {
            ...auth,
            ...(body !== undefined || !SAFE_METHODS.has(method.toUpperCase())
              ? { 'content-type': 'application/json' }
              : {}),
          },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
      } catch (e) {
        throw new ApiError(
          0,
          `Cannot reach the server at ${base} (${(e as Error).cause ? String((e as { cause: unknown }).cause) : (e as Error).message}). Is it running? Start it with \`npm start\` or pass --url.`,
        );
      }
      const text = await res.text();
      const json = text ? (JSON.parse(text) as unknown) : undefined;
      if (!res.ok) {
        const p = json as Problem | undefined;
        const fields = p?.errors?.map((e) => `${e.field}: ${e.message}`).join('; ');
        // The message is printed as is: server text made terminal-safe once, here.
        throw new ApiError(
          res.status,
          terminalSafe(
            `${res.status} ${p?.detail ?? res.statusText}${fields ? ` (${fields})` : ''}`,
          ),
          p,
        );
      }
      return json as T;
    },
    async *events(path, signal) {
      let lastId: string | undefined;
      while (!signal.aborted) {
        try {
          const res = await fetch(`${base}${path}`, {
            headers: {
              ...auth,
              accept: 'text/event-stream',
              ...(lastId ? { 'last-event-id': lastId } : {}),
            },
            signal,
          });
          if (!res.ok || !res.body)
            throw new ApiError(res.status, `event stream answered ${res.status}`);
          const decoder = new TextDecoder();
          let buffer = '';
          for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
            buffer += decoder.decode(chunk, { stream: true });
            const { messages, rest } = takeSseMessages(buffer);
            buffer = rest;
            for (const m of messages) {
              if (m.data === undefined) continue;
              if (m.id) lastId = m.id;
              yield { event: m.event, ...(m.id ? { id: m.id } : {}), data: m.data };
            }
          }
        } catch (e) {
          if (signal.aborted) return;
          if (e instanceof ApiError && e.status >= 400 && e.status < 500) throw e;
        }
        await sleep(1000, undefined, { signal }).catch(() => {});
      }
    },
  };
}

/** Server URL and token from flags, then SCENARIO_GEN_URL / SCENARIO_GEN_TOKEN, then the local default. */
export function clientFrom(
  flags: { url?: string | undefined; token?: string | undefined },
  env: NodeJS.ProcessEnv,
): Client {
  const url = flags.url ?? env.SCENARIO_GEN_URL ?? `http://127.0.0.1:${env.PORT ?? '3000'}`;
  return createClient(url, flags.token ?? env.SCENARIO_GEN_TOKEN ?? env.ACCESS_TOKEN);
}
