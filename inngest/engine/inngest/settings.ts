import type { Config } from '../../../core/config.ts';

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
  >
>;

/**
 * Whether the stage functions are served to an Inngest server (INNGEST_DEV on, or
 * INNGEST_BASE_URL set) rather than run by the local executor.
 */
export function inngestServed(config: InngestSettings): boolean {
  return Boolean(config.INNGEST_DEV?.dev) || Boolean(config.INNGEST_BASE_URL);
}
