import type { Config } from '../../core/config.ts';
import { AppError } from '../../core/errors.ts';

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

const FALSE = new Set(['0', 'false', 'no', 'off']);
const TRUE = new Set(['1', 'true', 'yes', 'on']);

/** INNGEST_DEV as Inngest reads it: a boolean, or the dev server's URL. */
export function devSetting(value: string | undefined): { dev: boolean; url?: string } {
  const v = value?.trim().toLowerCase();
  if (!v || FALSE.has(v)) return { dev: false };
  if (TRUE.has(v)) return { dev: true };
  try {
    const url = new URL(value!.trim());
    if (url.protocol === 'http:' || url.protocol === 'https:')
      return { dev: true, url: url.href.replace(/\/$/, '') };
  } catch {
    // fall through
  }
  throw new AppError(
    'config_invalid',
    `Invalid setting INNGEST_DEV=${JSON.stringify(value)}: expected 1 or the dev server's URL (e.g. http://127.0.0.1:8288).`,
  );
}

/**
 * Whether the stage functions are served to an Inngest server (INNGEST_DEV on, or
 * INNGEST_BASE_URL set) rather than run by the local executor.
 */
export function inngestServed(config: InngestSettings): boolean {
  return devSetting(config.INNGEST_DEV).dev || Boolean(config.INNGEST_BASE_URL);
}
