import { Inngest, type Logger as InngestLogger } from 'inngest';
import { AppError } from '../../../core/errors.ts';
import type { Logger } from '../../../core/log.ts';
import type { InngestSettings } from './settings.ts';

export { inngestServed, type InngestSettings } from './settings.ts';

/** The Inngest app id: function ids on the server are `scenario-generator-<spec id>`. */
export const INNGEST_APP_ID = 'scenario-generator';

/** Where `npx inngest-cli dev` listens by default. */
export const DEFAULT_DEV_SERVER_URL = 'http://127.0.0.1:8288';

/** The resolved connection: dev or signed (self-hosted / cloud) mode and the server's URL. */
export function inngestConnection(config: InngestSettings): { isDev: boolean; baseUrl: string } {
  const dev = config.INNGEST_DEV ?? { dev: false };
  if (dev.dev) {
    // A dev server's calls are not signed: anyone who reaches /api/inngest could run pipeline steps.
    if (config.loopback === false) {
      throw new AppError(
        'config_invalid',
        `Invalid setting INNGEST_DEV: dev mode serves the functions without request signatures, so it needs a loopback HOST (got ${JSON.stringify(config.HOST)}); use INNGEST_BASE_URL with INNGEST_SIGNING_KEY and INNGEST_EVENT_KEY instead.`,
      );
    }
    return { isDev: true, baseUrl: config.INNGEST_BASE_URL ?? dev.url ?? DEFAULT_DEV_SERVER_URL };
  }
  if (!config.INNGEST_BASE_URL)
    throw new AppError(
      'config_invalid',
      'Inngest-served mode needs INNGEST_DEV or INNGEST_BASE_URL.',
    );
  // Without the keys a signed server could neither call the functions nor accept our events.
  if (!config.INNGEST_SIGNING_KEY || !config.INNGEST_EVENT_KEY) {
    throw new AppError(
      'config_invalid',
      'Invalid setting INNGEST_BASE_URL: expected INNGEST_SIGNING_KEY and INNGEST_EVENT_KEY to be set with it (or INNGEST_DEV=1 for a dev server).',
    );
  }
  return { isDev: false, baseUrl: config.INNGEST_BASE_URL };
}

/** Our logger behind Inngest's `(...args)` logger interface. */
export function inngestLogger(log: Logger): InngestLogger {
  const at =
    (fn: (msg: string, data?: Record<string, unknown>) => void) =>
    (...args: unknown[]) => {
      const [first, ...rest] = args;
      // Inngest logs pino-style `(fields, message)` as well as `(message, …)`.
      if (typeof first === 'object' && first !== null && typeof rest[0] === 'string')
        return fn(`inngest: ${rest[0]}`, first as Record<string, unknown>);
      fn(
        `inngest: ${args.map((a) => (typeof a === 'string' ? a : a instanceof Error ? a.message : JSON.stringify(a))).join(' ')}`,
      );
    };
  return { debug: at(log.debug), info: at(log.info), warn: at(log.warn), error: at(log.error) };
}

/**
 * The Inngest client of served mode, configured from the parsed settings only: the mode, the
 * server URL and the keys are passed explicitly, so whatever INNGEST_* variables the process
 * happens to have cannot change where events go.
 */
export function createInngestClient(
  config: InngestSettings,
  o: { log?: Logger; fetch?: typeof fetch } = {},
): Inngest {
  const { isDev, baseUrl } = inngestConnection(config);
  return new Inngest({
    id: INNGEST_APP_ID,
    isDev,
    baseUrl,
    ...(config.INNGEST_SIGNING_KEY ? { signingKey: config.INNGEST_SIGNING_KEY } : {}),
    ...(config.INNGEST_EVENT_KEY ? { eventKey: config.INNGEST_EVENT_KEY } : {}),
    ...(o.log ? { logger: inngestLogger(o.log) } : {}),
    ...(o.fetch ? { fetch: o.fetch } : {}),
  });
}
