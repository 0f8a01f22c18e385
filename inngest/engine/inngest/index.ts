import type { Inngest, InngestFunction } from 'inngest';
import { createLogger, type Logger } from '../../../core/log.ts';
import type { Engine } from '../port.ts';
import type { AnyFunctionSpec } from '../../spec.ts';
import { createInngestClient, type InngestSettings } from './client.ts';
import { createInngestEngine } from './engine.ts';
import { toInngestFunctions, type ServeOptions } from './function.ts';
import { inngestHandler, type InngestHandler } from './handler.ts';
import type { ConnectSettings } from './settings.ts';
import { connectWorker, type InngestConnection } from './connect.ts';

export {
  createInngestClient,
  inngestServed,
  inngestConnection,
  INNGEST_APP_ID,
  DEFAULT_DEV_SERVER_URL,
  type InngestSettings,
} from './client.ts';
export { inngestConnect, type ConnectSettings } from './settings.ts';
export { connectOptions, connectWorker, type InngestConnection } from './connect.ts';
export { createInngestEngine } from './engine.ts';
export { toInngestFunction, toInngestFunctions, inngestOptions } from './function.ts';
export { inngestHandler, mountInngest, INNGEST_PATH, type InngestHandler } from './handler.ts';

/** Everything served mode needs, built from the settings and the stage specs. */
export interface InngestMode {
  client: Inngest;
  functions: InngestFunction.Any[];
  engine: Engine;
  handler: InngestHandler;
  /**
   * Connects outbound instead of being called at /api/inngest (ROLE=worker, INNGEST_CONNECT), in
   * the background: see InngestConnection.
   */
  connect(s: ConnectSettings): InngestConnection;
}

/**
 * Served mode in one call: the client (from the parsed settings), the specs as Inngest functions,
 * the engine that sends events to the server, and the /api/inngest handler to mount.
 */
export function createInngestMode(o: {
  config: InngestSettings;
  specs: AnyFunctionSpec[];
  log?: Logger;
  serveOrigin?: string;
  /** Cancellation of a run in flight (see ServeOptions). */
  serve?: ServeOptions;
}): InngestMode {
  const client = createInngestClient(o.config, o.log ? { log: o.log } : {});
  const functions = toInngestFunctions(client, o.specs, o.serve);
  return {
    client,
    functions,
    engine: createInngestEngine(client, o.specs),
    handler: inngestHandler(client, functions, o.serveOrigin ? { serveOrigin: o.serveOrigin } : {}),
    connect: (s) =>
      connectWorker(client, functions, s, {
        log: o.log ?? createLogger(),
      }),
  };
}
