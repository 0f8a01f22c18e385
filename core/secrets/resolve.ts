import { AppError } from '../errors.ts';
import { readSecretFile } from './file.ts';
import { SECRET_NAMES, VAULT_PREFIX, type SecretSources } from './names.ts';
import { createVaultReader, parseVaultRef, type VaultRef } from './vault.ts';

type Env = Record<string, string | undefined>;

/** The environment with every secret's value in place, and where each came from. */
export interface ResolvedSecrets {
  env: Env;
  sources: SecretSources;
}

export interface ResolveOptions {
  /** The fetch used for Vault (tests may pass their own). */
  fetch?: typeof fetch;
  /** Per-request Vault timeout. Default 10 s. */
  timeoutMs?: number;
}

/** NAME or NAME_FILE, never both; the file's contents in place of NAME_FILE. */
async function fromEnvOrFile(env: Env, name: string): Promise<{ value?: string; file: boolean }> {
  const direct = env[name] || undefined;
  const file = env[`${name}_FILE`] || undefined;
  if (direct !== undefined && file !== undefined)
    throw new AppError(
      'config_invalid',
      `Invalid setting ${name}_FILE: ${name} is set too; set only one of them.`,
    );
  if (file !== undefined) return { value: await readSecretFile(name, file), file: true };
  return direct === undefined ? { file: false } : { value: direct, file: false };
}

function vaultAddr(env: Env, name: string): string {
  const addr = env.VAULT_ADDR;
  let ok = false;
  try {
    ok = !!addr && ['http:', 'https:'].includes(new URL(addr).protocol);
  } catch {
    ok = false;
  }
  if (!ok)
    throw new AppError(
      'config_invalid',
      `Invalid setting ${name}: it is a vault: reference, so VAULT_ADDR must be set to Vault's http:// or https:// address.`,
    );
  return addr!;
}

/**
 * Resolves every secret setting (core/secrets/names.ts) before the config is parsed: NAME_FILE
 * is read, `vault:MOUNT/PATH#KEY` is fetched from Vault (KV v2). Errors are config_invalid with
 * one line naming the setting; none contains a secret.
 */
export async function resolveSecrets(
  env: Env,
  options: ResolveOptions = {},
): Promise<ResolvedSecrets> {
  const out: Env = { ...env };
  const sources = {} as SecretSources;
  const token = await fromEnvOrFile(env, 'VAULT_TOKEN');
  delete out.VAULT_TOKEN_FILE;
  if (token.value !== undefined) out.VAULT_TOKEN = token.value;
  let read: ((name: string, ref: VaultRef) => Promise<string>) | undefined;

  for (const name of SECRET_NAMES) {
    const given = await fromEnvOrFile(env, name);
    delete out[`${name}_FILE`];
    if (given.value === undefined) {
      sources[name] = 'unset';
      continue;
    }
    if (given.file || !given.value.startsWith(VAULT_PREFIX)) {
      out[name] = given.value;
      sources[name] = given.file ? 'file' : 'env';
      continue;
    }
    const ref = parseVaultRef(name, given.value);
    if (!read) {
      const addr = vaultAddr(env, name);
      if (token.value === undefined)
        throw new AppError(
          'config_invalid',
          `Invalid setting ${name}: it is a vault: reference, so VAULT_TOKEN or VAULT_TOKEN_FILE must be set.`,
        );
      read = createVaultReader({
        addr,
        token: token.value,
        ...(options.fetch ? { fetch: options.fetch } : {}),
        ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
      });
    }
    out[name] = await read(name, ref);
    sources[name] = 'vault';
  }
  return { env: out, sources };
}
