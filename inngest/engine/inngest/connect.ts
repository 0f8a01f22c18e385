import { randomUUID } from 'node:crypto';
import type { Inngest, InngestFunction } from 'inngest';
import type { ConnectHandlerOptions, WorkerConnection } from 'inngest/connect';
import type { Logger } from '../../../core/log.ts';
import { watchConnect } from './connect-watch.ts';
import type { ConnectSettings } from './settings.ts';

/**
 * An outbound connection to the Inngest server. It is made in the background: `ready` settles
 * when the gateway first reports it ready (the SDK retries failures forever; the watch warns);
 * close() works before that too, and lets steps in flight finish first.
 */
export interface InngestConnection {
  ready: Promise<{ connectionId: string }>;
  /** Connected now, and a detail for /api/ready (where to, attempts, last error). */
  status(): { connected: boolean; detail: string };
  close(): Promise<void>;
}

/**
 * The options of the SDK's connect(): our one app with its functions, this worker's instance id
 * and its cap on steps at once (and the gateway's URL when set).
 *
 * isolateExecution: false — by default (true) the SDK runs the WebSocket, heartbeats and lease
 * extension in a worker thread (step code stays on the main thread either way). That thread is a
 * second V8 isolate with its own copy of the SDK, adding resident memory (an idle connected
 * worker: 187 MB RSS with it, 165 MB without) to the process every agent and validator is forked
 * from (fork cost grows with it), and the connection's requests
 * would happen where our connect watch (Node's diagnostics channels, per thread) cannot see why
 * it fails. What it protects against — heartbeats missed while user code blocks the event loop
 * — does not apply: our steps await child processes, Postgres and the store.
 *
 * handleShutdownSignals: the SDK would close on SIGINT/SIGTERM by itself, racing our shutdown
 * (which stops housekeeping, then this connection, then the engine, then the services). It
 * listens on `process` for the names given, so it gets `closeEvent`, a private event name our
 * close() emits: the only way to stop its retry loop before its first connection is ready,
 * because connect() returns no handle until then.
 */
export function connectOptions(
  client: Inngest,
  functions: InngestFunction.Any[],
  s: ConnectSettings,
  closeEvent?: string,
): ConnectHandlerOptions {
  return {
    apps: [{ client, functions }],
    instanceId: s.instanceId,
    maxWorkerConcurrency: s.maxWorkerConcurrency,
    isolateExecution: false,
    handleShutdownSignals: closeEvent ? [closeEvent] : [],
    ...(s.gatewayUrl ? { gatewayUrl: s.gatewayUrl } : {}),
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Connects outbound: a start request to the server's API (POST /v0/connect/start), then a
 * WebSocket to the gateway it names, over which the server sends steps to run. No inbound port
 * is needed. Returns at once; see InngestConnection.
 */
export function connectWorker(
  client: Inngest,
  functions: InngestFunction.Any[],
  s: ConnectSettings,
  o: { log: Logger; warnEveryMs?: number },
): InngestConnection {
  const closeEvent = `scenario-gen:inngest-connect-close:${randomUUID()}`;
  let conn: WorkerConnection | undefined;
  let settled = false;
  let closing: Promise<void> | undefined;
  const watch = watchConnect({
    log: o.log,
    apiUrl: client.apiBaseUrl,
    ...(s.gatewayUrl ? { gatewayUrl: s.gatewayUrl } : {}),
    isActive: () => String(conn?.state) === 'ACTIVE',
    ...(o.warnEveryMs ? { warnEveryMs: o.warnEveryMs } : {}),
  });
  const ready = import('inngest/connect')
    .then(({ connect }) => connect(connectOptions(client, functions, s, closeEvent)))
    .then(
      (c) => {
        conn = c;
        settled = true;
        watch.connected(c.connectionId);
        return { connectionId: c.connectionId };
      },
      (e: unknown) => {
        settled = true;
        throw e;
      },
    );
  // Whoever awaits `ready` sees a failure; an unobserved one must not crash the process.
  ready.catch(() => {});

  async function closeOnce(): Promise<void> {
    watch.stop();
    if (conn) return conn.close();
    // Not connected yet: the SDK listens for closeEvent from the start of its first attempt.
    for (let i = 0; i < 100 && !settled && process.listenerCount(closeEvent) === 0; i++)
      await sleep(10);
    if (conn) return (conn as WorkerConnection).close();
    // Our own event name, not a signal: process is an EventEmitter for it.
    (process as NodeJS.EventEmitter).emit(closeEvent);
  }
  return {
    ready,
    status: () => watch.status(),
    close: () => (closing ??= closeOnce()),
  };
}
