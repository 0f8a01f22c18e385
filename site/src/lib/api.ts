import { auth } from './auth.svelte.ts';
import type { FieldIssue, Problem } from './types.ts';

/**
 * The one fetch wrapper: JSON in and out, the access token as `Authorization: Bearer`, problem
 * documents turned into ApiError, and a 401 answered by asking for the token and trying again.
 */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly problem: Problem | null;
  constructor(status: number, message: string, problem: Problem | null = null) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = problem?.code ?? (status === 0 ? 'network' : 'http_' + status);
    this.problem = problem;
  }

  /** Field issues keyed by field path without the `body.` prefix (`title`, `config.model`). */
  fields(prefix = 'body.'): Record<string, string> {
    const out: Record<string, string> = {};
    for (const issue of this.problem?.errors ?? []) {
      const key = issue.field.startsWith(prefix) ? issue.field.slice(prefix.length) : issue.field;
      out[key] ??= issue.message;
    }
    return out;
  }

  /** Field issues that `known` does not cover, as readable lines. */
  otherIssues(known: string[], prefix = 'body.'): FieldIssue[] {
    return (this.problem?.errors ?? []).filter((i) => !known.includes(i.field.replace(prefix, '')));
  }

  /** True when the endpoint does not exist on this server (yet). */
  get missing(): boolean {
    return (
      this.status === 404 && (this.problem === null || /No API route/.test(this.problem.detail))
    );
  }
}

export interface RequestOptions {
  method?: string;
  body?: unknown;
  query?: Record<string, string | number | boolean | undefined | null>;
  signal?: AbortSignal;
}

/** Appends a query object to a path, skipping empty values. */
export function withQuery(path: string, query: RequestOptions['query'] = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query))
    if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const s = params.toString();
  return s ? `${path}${path.includes('?') ? '&' : '?'}${s}` : path;
}

/** A URL for EventSource, which cannot send headers (downloads use signed links instead). */
export function tokenUrl(path: string): string {
  return auth.token ? withQuery(path, { access_token: auth.token }) : path;
}

async function send(path: string, options: RequestOptions): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json, application/problem+json' };
  if (auth.token) headers.authorization = `Bearer ${auth.token}`;
  const method = (options.method ?? 'GET').toUpperCase();
  const init: RequestInit = { method, headers, signal: options.signal };
  // The server refuses a change that is not JSON, bodiless ones included (no form can fake it).
  if (options.body !== undefined || !['GET', 'HEAD'].includes(method))
    headers['content-type'] = 'application/json';
  if (options.body !== undefined) init.body = JSON.stringify(options.body);
  try {
    return await fetch(withQuery(path, options.query), init);
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ApiError(0, 'Cannot reach the server. Is it running?');
  }
}

async function problemOf(res: Response): Promise<ApiError> {
  const text = await res.text().catch(() => '');
  let problem: Problem | null = null;
  try {
    const parsed = JSON.parse(text) as Partial<Problem>;
    if (parsed && typeof parsed === 'object' && typeof parsed.status === 'number')
      problem = parsed as Problem;
  } catch {
    // not JSON: keep the status line
  }
  const message = problem?.detail || problem?.title || `${res.status} ${res.statusText || 'error'}`;
  return new ApiError(res.status, message, problem);
}

/** Sends a request with the token (asking for it on 401); rejects with ApiError unless 2xx. */
async function request(path: string, options: RequestOptions): Promise<Response> {
  let res = await send(path, options);
  if (res.status === 401 && auth.mode === 'accounts') {
    auth.signedOut = true;
    throw await problemOf(res);
  }
  // A refused token: ask (once per dialog) and retry until the user gives up.
  while (res.status === 401) {
    await auth.ask(
      auth.token ? 'The saved access token was refused.' : 'This server needs an access token.',
    );
    res = await send(path, options);
  }
  if (!res.ok) throw await problemOf(res);
  return res;
}

/** The response itself, for reading a large body as it arrives (transcripts). */
export function apiResponse(path: string, signal?: AbortSignal): Promise<Response> {
  return request(path, { signal });
}

/** Downloads a binary resource (the scenario archive). */
export async function apiBlob(path: string): Promise<Blob> {
  return (await request(path, {})).blob();
}

/** Sends a request; resolves with the parsed JSON (undefined for 204), rejects with ApiError. */
export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const res = await request(path, options);
  if (res.status === 204) return undefined as T;
  const type = res.headers.get('content-type') ?? '';
  return (type.includes('json') ? await res.json() : await res.text()) as T;
}

/** Fetches a text resource (artifact files, plan texts served as text). */
export async function apiText(path: string): Promise<string> {
  const result = await api<unknown>(path);
  return typeof result === 'string' ? result : JSON.stringify(result, null, 2);
}

/** A readable message for any error a call may throw. */
export function messageOf(e: unknown): string {
  if (e instanceof ApiError) return e.message;
  if (e instanceof Error) return e.message;
  return String(e);
}
