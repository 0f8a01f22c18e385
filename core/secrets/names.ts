import type { Setting } from '../config.ts';

/**
 * The settings that hold secrets. Each may be given as NAME (a value, or a `vault:` reference)
 * or as NAME_FILE (a path whose contents are the value); see core/secrets/resolve.ts.
 */
export const SECRET_NAMES = [
  'ANTHROPIC_API_KEY',
  'CLAUDE_CODE_OAUTH_TOKEN',
  'ACCESS_TOKEN',
  'WEBHOOK_SECRET',
  'INNGEST_SIGNING_KEY',
  'INNGEST_EVENT_KEY',
  'S3_ACCESS_KEY',
  'S3_SECRET_KEY',
  'DATABASE_URL',
  'REDIS_URL',
  'UPSTASH_REDIS_REST_TOKEN',
] as const;

/** One of the secret settings. */
export type SecretName = (typeof SECRET_NAMES)[number];

/** Where a secret's value came from: the variable itself, NAME_FILE, Vault, or nowhere. */
export type SecretSource = 'env' | 'file' | 'vault' | 'unset';

/** The source of every secret setting. */
export type SecretSources = Record<SecretName, SecretSource>;

/** The prefix of a Vault reference: `vault:MOUNT/PATH#KEY`. */
export const VAULT_PREFIX = 'vault:';

/**
 * Settings read only while secrets are resolved at start (never kept in the parsed config), and
 * the agent credentials, which reach agents through their allow-listed environment. Listed so the
 * README's settings table documents them too.
 */
export const SECRET_SOURCE_SETTINGS: Setting[] = [
  {
    env: 'ANTHROPIC_API_KEY',
    default: '',
    meaning:
      'Anthropic API key for agent sessions (or CLAUDE_CODE_OAUTH_TOKEN from `claude setup-token`). Neither set: the demo model.',
  },
  {
    env: 'VAULT_ADDR',
    default: '',
    meaning:
      'Vault (or OpenBao) address, e.g. https://vault.internal:8200, for settings given as `vault:MOUNT/PATH#KEY` (KV v2, read once at start).',
  },
  {
    env: 'VAULT_TOKEN',
    default: '',
    meaning: 'Vault token for those reads (or VAULT_TOKEN_FILE, a path holding it).',
  },
];

/** The sources of a plain environment: `env` when the variable is set, else `unset`. */
export function plainSources(env: Record<string, string | undefined>): SecretSources {
  return Object.fromEntries(
    SECRET_NAMES.map((name) => [name, env[name] ? 'env' : 'unset']),
  ) as SecretSources;
}
