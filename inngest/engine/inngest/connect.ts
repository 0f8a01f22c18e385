import type { Inngest, InngestFunction } from 'inngest';
import type { ConnectHandlerOptions } from 'inngest/connect';
import type { ConnectSettings } from './settings.ts';

/** An outbound connection to the Inngest server; close() lets steps in flight finish first. */
export interface InngestConnection {
  connectionId: string;
  close(): Promise<void>;
}

/**
 * The options of the SDK's connect(): our one app with its functions, this worker's instance id
 * and its cap on steps at once (and the gateway's URL when set). The SDK's own SIGTERM/SIGINT handling is off: the process's
 * shutdown closes the connection (see connectWorker) in its own order.
 */
export function connectOptions(
  client: Inngest,
  functions: InngestFunction.Any[],
  s: ConnectSettings,
): ConnectHandlerOptions {
  return {
    apps: [{ client, functions }],
    instanceId: s.instanceId,
    maxWorkerConcurrency: s.maxWorkerConcurrency,
    handleShutdownSignals: [],
    ...(s.gatewayUrl ? { gatewayUrl: s.gatewayUrl } : {}),
  };
}

/**
 * Connects outbound: a start request to the server's API (POST /v0/connect/start), then a
 * WebSocket to the gateway it names, over which the server sends steps to run. Resolves once the
 * gateway reports the connection ready. No inbound port is needed.
 */
export async function connectWorker(
  client: Inngest,
  functions: InngestFunction.Any[],
  s: ConnectSettings,
): Promise<InngestConnection> {
  const { connect } = await import('inngest/connect');
  const conn = await connect(connectOptions(client, functions, s));
  return { connectionId: conn.connectionId, close: () => conn.close() };
}
