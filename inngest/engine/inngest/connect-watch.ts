import dc from 'node:diagnostics_channel';
import type { Logger } from '../../../core/log.ts';
import { redactUrl } from '../../../core/secrets/redact-url.ts';

/**
 * What an operator needs while a worker is not connected: the SDK's connect() retries forever
 * and logs only "Reconnecting after failure" at info, without the error (inngest 4.24). Its
 * attempts are seen here through Node's fetch/WebSocket diagnostics channels (undici publishes
 * every request and its error or status): the start request to the server's API
 * (POST /v0/connect/start) counts an attempt; its error or HTTP status, or the gateway
 * WebSocket's, is the reason. The channels are per thread, so this needs the SDK's same-thread
 * strategy (isolateExecution: false, see connectOptions).
 */
export interface ConnectWatch {
  /** Connected now; otherwise where to, how many attempts and the last reason, for /api/ready. */
  status(): { connected: boolean; detail: string };
  /** The first connection is ready (its id), or a reconnect succeeded. */
  connected(connectionId: string): void;
  stop(): void;
}

export interface ConnectWatchOptions {
  log: Logger;
  /** The server's API URL the start request goes to. */
  apiUrl: string;
  /** INNGEST_CONNECT_GATEWAY_URL when set (else the gateway the server names is seen). */
  gatewayUrl?: string;
  /** Whether the SDK's connection is active now (after the first one). */
  isActive(): boolean;
  /** At most one warning per this many ms (default 30 s). */
  warnEveryMs?: number;
}

const START_PATH = '/v0/connect/start';
const WS_PROTOCOL = 'v0.connect.inngest.com';

interface UndiciRequest {
  origin?: unknown;
  path?: unknown;
  headers?: unknown;
}

function urlOf(r: UndiciRequest): string {
  return redactUrl(`${String(r.origin)}${String(r.path)}`);
}

function isGatewayUpgrade(r: UndiciRequest): boolean {
  const h = r.headers;
  return Array.isArray(h) ? h.includes(WS_PROTOCOL) : String(h).includes(WS_PROTOCOL);
}

export function watchConnect(o: ConnectWatchOptions): ConnectWatch {
  const every = o.warnEveryMs ?? 30_000;
  const api = redactUrl(o.apiUrl).replace(/\/+$/, '');
  const apiOrigin = URL.canParse(o.apiUrl) ? new URL(o.apiUrl).origin : o.apiUrl;
  let gateway = o.gatewayUrl ? redactUrl(o.gatewayUrl) : undefined;
  let attempts = 0;
  let lastError: string | undefined;
  let connectionId: string | undefined;
  let lastWarnAt = 0;
  let warnedSinceConnected = false;
  const ours = new WeakMap<object, 'api' | 'gateway'>();
  const connectedNow = () => connectionId !== undefined && o.isActive();

  const where = () => `${api}${gateway ? ` (gateway ${gateway})` : ''}`;
  const warn = (force = false) => {
    if (connectedNow()) return;
    const now = Date.now();
    if (!force && now - lastWarnAt < every) return;
    lastWarnAt = now;
    warnedSinceConnected = true;
    o.log.warn(
      `inngest: this worker is not connected to the Inngest server at ${where()}: ${attempts} attempt(s) so far, last error: ${lastError ?? 'none seen yet'}; retrying with backoff`,
    );
  };
  const failed = (reason: string) => {
    lastError = reason;
    warn(lastWarnAt === 0);
  };

  const onCreate = (m: unknown) => {
    const r = (m as { request: UndiciRequest }).request;
    if (String(r.path).startsWith(START_PATH) && String(r.origin) === apiOrigin) {
      ours.set(r, 'api');
      attempts += 1;
    } else if (isGatewayUpgrade(r)) {
      ours.set(r, 'gateway');
      gateway = urlOf(r).replace(/^http/, 'ws');
    }
  };
  const onHeaders = (m: unknown) => {
    const { request: r, response } = m as {
      request: UndiciRequest;
      response: { statusCode: number };
    };
    const kind = ours.get(r);
    if (kind === 'api' && response.statusCode >= 400)
      failed(`the API answered HTTP ${response.statusCode} to ${urlOf(r)}`);
    else if (kind === 'gateway' && response.statusCode !== 101)
      failed(`the gateway answered HTTP ${response.statusCode} to the WebSocket upgrade`);
  };
  const onError = (m: unknown) => {
    const { request: r, error } = m as { request: UndiciRequest; error: Error & { code?: string } };
    const kind = ours.get(r);
    if (kind)
      failed(`${kind === 'api' ? 'API' : 'gateway'} ${urlOf(r)}: ${error.message || error.code}`);
  };
  dc.subscribe('undici:request:create', onCreate);
  dc.subscribe('undici:request:headers', onHeaders);
  dc.subscribe('undici:request:error', onError);
  // Silent failures (a gateway that never finishes the handshake) are reported too.
  let wasConnected = false;
  const timer = setInterval(
    () => {
      const now = connectedNow();
      if (now && !wasConnected && warnedSinceConnected)
        o.log.info(`inngest: connected again to ${where()} after ${attempts} attempt(s)`);
      if (now) warnedSinceConnected = false;
      wasConnected = now;
      if (!now) warn();
    },
    Math.min(every, 5_000),
  );
  timer.unref();

  return {
    status() {
      if (connectedNow())
        return { connected: true, detail: `connected to ${where()} as ${connectionId}` };
      return {
        connected: false,
        detail: `not connected to ${where()}: ${attempts} attempt(s), last error: ${lastError ?? 'none seen yet'}`,
      };
    },
    connected(id) {
      connectionId = id;
      wasConnected = true;
      attempts = 0;
      lastError = undefined;
      warnedSinceConnected = false;
    },
    stop() {
      clearInterval(timer);
      dc.unsubscribe('undici:request:create', onCreate);
      dc.unsubscribe('undici:request:headers', onHeaders);
      dc.unsubscribe('undici:request:error', onError);
    },
  };
}
