import type { Config } from '../../../core/config.ts';
import { AppError } from '../../../core/errors.ts';

/**
 * Reading the Inngest settings, without loading the Inngest SDK: whether served mode is on
 * decides whether the SDK is loaded at all.
 */
export type InngestSettings = Partial<
  Pick<
    Config,
    | 'INNGEST_DEV'
    | 'INNGEST_BASE_URL'
    | 'INNGEST_SIGNING_KEY'
    | 'INNGEST_EVENT_KEY'
    | 'loopback'
    | 'HOST'
    | 'INNGEST_CONNECT'
    | 'INNGEST_INSTANCE_ID'
    | 'INNGEST_CONNECT_GATEWAY_URL'
    | 'ROLE'
    | 'AGENT_CONCURRENCY'
    | 'RUN_CONCURRENCY'
  >
>;

/**
 * Whether the stage functions are served to an Inngest server (INNGEST_DEV on, or
 * INNGEST_BASE_URL set) rather than run by the local executor.
 */
export function inngestServed(config: InngestSettings): boolean {
  return Boolean(config.INNGEST_DEV?.dev) || Boolean(config.INNGEST_BASE_URL);
}

/** How a worker connects outbound (the SDK's connect()): its id and its cap on steps at once. */
export interface ConnectSettings {
  instanceId: string;
  maxWorkerConcurrency: number;
  gatewayUrl?: string;
}

/**
 * Whether this process connects outbound to the Inngest server instead of being called at
 * /api/inngest: served mode, ROLE=worker and INNGEST_CONNECT. A worker serves no /api/inngest,
 * so in served mode it must connect. Returns its settings, or undefined when it does not connect.
 */
export function inngestConnect(
  config: InngestSettings,
  host: { hostname: string; pid: number },
): ConnectSettings | undefined {
  if (!inngestServed(config) || config.ROLE !== 'worker') return undefined;
  if (!config.INNGEST_CONNECT) {
    throw new AppError(
      'config_invalid',
      'Invalid setting ROLE=worker: with INNGEST_DEV or INNGEST_BASE_URL a worker serves no /api/inngest, so it must connect outbound: set INNGEST_CONNECT=1 (or use ROLE=all to be called in).',
    );
  }
  return {
    instanceId: config.INNGEST_INSTANCE_ID ?? `${host.hostname}-${host.pid}`,
    maxWorkerConcurrency: config.AGENT_CONCURRENCY ?? config.RUN_CONCURRENCY ?? 2,
    ...(config.INNGEST_CONNECT_GATEWAY_URL
      ? { gatewayUrl: config.INNGEST_CONNECT_GATEWAY_URL }
      : {}),
  };
}
