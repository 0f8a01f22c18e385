import path from 'node:path';
import * as v from 'valibot';
import { FIELDS, type Field } from './config-fields.ts';
import { AppError } from './errors.ts';
import {
  plainSources,
  SECRET_NAMES,
  SECRET_SOURCE_SETTINGS,
  VAULT_PREFIX,
  type SecretSources,
} from './secrets/names.ts';
import { redactUrl } from './secrets/redact-url.ts';

/**
 * Every setting of the app, parsed once at boot from the environment. A bad value stops
 * start-up with one line naming the variable and what was expected. The README's settings table
 * is generated from SETTINGS below (see `settingsTable`), so the two never disagree.
 */
export interface Setting {
  env: string;
  default: string;
  meaning: string;
}

type Fields = typeof FIELDS;
type Parsed = { -readonly [K in keyof Fields]: Fields[K] extends Field<infer T> ? T : never };
type Env = Record<string, string | undefined>;

/** The parsed configuration: typed values, optional ones undefined when unset. */
export type Config = {
  [K in keyof Parsed]: Fields[K] extends { default: string } ? Parsed[K] : Parsed[K] | undefined;
} & {
  dataDir: string;
  loopback: boolean;
  /** Where each secret came from (env, file, vault, unset); never the values. */
  secretSources: SecretSources;
};

/** Settings for documentation: env var, default, meaning. */
export const SETTINGS: Setting[] = [
  ...Object.entries(FIELDS).map(([env, field]) => ({
    env,
    default: 'default' in field ? (field.default ?? '') : '',
    meaning: field.meaning,
  })),
  ...SECRET_SOURCE_SETTINGS,
];

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** A NAME_FILE or vault: reference is resolved by loadConfig (core/secrets/load.ts) only. */
function refuseUnresolved(env: Env): void {
  for (const name of SECRET_NAMES) {
    if (env[`${name}_FILE`] || env[name]?.startsWith(VAULT_PREFIX))
      throw new AppError(
        'config_invalid',
        `Invalid setting ${name}: files and vault: references are resolved only at start (loadConfig).`,
      );
  }
}

/**
 * Parses the environment. Throws AppError('config_invalid') with one readable line. `sources`
 * comes from secret resolution; without it the environment must hold plain values.
 */
export function parseConfig(env: Env, cwd = process.cwd(), sources?: SecretSources): Config {
  if (!sources) refuseUnresolved(env);
  const out: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(FIELDS) as [string, Field<unknown>][]) {
    const raw = env[name];
    const value = raw === undefined || raw === '' ? field.default : raw;
    if (value === undefined) {
      out[name] = undefined;
      continue;
    }
    const result = v.safeParse(field.schema, value);
    if (!result.success) {
      const expected = result.issues[0]?.message ?? 'a valid value';
      const shown = /KEY|TOKEN|SECRET|PASSWORD/.test(name)
        ? '(hidden)'
        : JSON.stringify(redactUrl(value));
      throw new AppError(
        'config_invalid',
        `Invalid setting ${name}=${shown}: expected ${expected}.`,
      );
    }
    out[name] = result.output;
  }
  const config = out as Config;
  config.dataDir = path.resolve(cwd, config.DATA_DIR);
  config.loopback = LOOPBACK.has(config.HOST);
  config.secretSources = sources ?? plainSources(env);
  if (!config.loopback && !config.ACCESS_TOKEN && config.AUTH_MODE !== 'accounts') {
    throw new AppError(
      'config_invalid',
      `Invalid setting HOST=${JSON.stringify(config.HOST)}: binding a non-loopback address requires AUTH_MODE=accounts or ACCESS_TOKEN (at least 16 characters).`,
    );
  }
  if (config.S3_ENDPOINT && (!config.S3_ACCESS_KEY || !config.S3_SECRET_KEY)) {
    throw new AppError(
      'config_invalid',
      'Invalid setting S3_ENDPOINT: expected S3_ACCESS_KEY and S3_SECRET_KEY to be set with it.',
    );
  }
  busChecks(config);
  if (config.DEPLOY_TARGET === 'vrooli' && !config.VROOLI_ROOT) {
    throw new AppError(
      'config_invalid',
      'Invalid setting DEPLOY_TARGET="vrooli": expected VROOLI_ROOT to be set.',
    );
  }
  if (config.RUNTIME_COMMAND && !config.VROOLI_ROOT) {
    throw new AppError(
      'config_invalid',
      'Invalid setting RUNTIME_COMMAND: expected VROOLI_ROOT to be set with it.',
    );
  }
  if (config.DEPLOY_TARGET === 'command' && !config.DEPLOY_COMMAND) {
    throw new AppError(
      'config_invalid',
      'Invalid setting DEPLOY_TARGET="command": expected DEPLOY_COMMAND to be set.',
    );
  }
  return config;
}

/** The bus settings fit together: each kind has what it needs, and the Upstash pair comes whole. */
function busChecks(config: Config): void {
  if (!!config.UPSTASH_REDIS_REST_URL !== !!config.UPSTASH_REDIS_REST_TOKEN)
    throw new AppError(
      'config_invalid',
      'Invalid setting UPSTASH_REDIS_REST_URL: expected UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN to be set together.',
    );
  if (config.BUS === 'redis' && !config.REDIS_URL)
    throw new AppError(
      'config_invalid',
      'Invalid setting BUS="redis": expected REDIS_URL to be set.',
    );
  if (config.BUS === 'upstash' && !config.UPSTASH_REDIS_REST_URL)
    throw new AppError(
      'config_invalid',
      'Invalid setting BUS="upstash": expected UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN to be set.',
    );
}

/** The settings as a Markdown table (used to keep the README in step). */
export function settingsTable(): string {
  const rows = SETTINGS.map(
    (s) => `| \`${s.env}\` | ${s.default ? `\`${s.default}\`` : '(unset)'} | ${s.meaning} |`,
  );
  return ['| variable | default | meaning |', '|---|---|---|', ...rows].join('\n');
}

/** Every secret value, for redaction (kept here too for the modules that import it from config). */
export { secretsOf } from './secrets/values.ts';
