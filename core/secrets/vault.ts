import { AppError } from '../errors.ts';
import { VAULT_PREFIX } from './names.ts';
import { redactUrl } from './redact-url.ts';

/**
 * Reads secrets from Vault's KV version 2 engine over its HTTP API (OpenBao speaks the same):
 * `GET {addr}/v1/{mount}/data/{path}` with `X-Vault-Token`, answered with
 * `{ data: { data: { key: value } } }`. Errors say which setting, which reference and what went
 * wrong; never the token, and never a value read.
 */
export interface VaultRef {
  mount: string;
  path: string;
  key: string;
}

export interface VaultAccess {
  /** VAULT_ADDR, e.g. https://vault.internal:8200. */
  addr: string;
  token: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

const SEGMENT = /^[A-Za-z0-9._-]+$/;

/** The text a reference is shown as in messages: `MOUNT/PATH#KEY`. */
export function showRef(ref: VaultRef): string {
  return `${ref.mount}/${ref.path}#${ref.key}`;
}

/** Parses `vault:MOUNT/PATH#KEY`; throws config_invalid naming the setting when malformed. */
export function parseVaultRef(name: string, value: string): VaultRef {
  const body = value.slice(VAULT_PREFIX.length);
  const hash = body.lastIndexOf('#');
  const [mount, ...segments] = (hash < 0 ? body : body.slice(0, hash)).split('/');
  const key = hash < 0 ? '' : body.slice(hash + 1);
  const ok =
    !!mount && SEGMENT.test(mount) && segments.length > 0 && segments.every((s) => SEGMENT.test(s));
  if (!ok || !key)
    throw new AppError(
      'config_invalid',
      `Invalid setting ${name}: expected a Vault reference vault:MOUNT/PATH#KEY, e.g. vault:secret/scenario-gen#${name.toLowerCase()}.`,
    );
  return { mount, path: segments.join('/'), key };
}

type SecretData = Record<string, unknown>;

function fail(name: string, ref: VaultRef, why: string): AppError {
  return new AppError(
    'config_invalid',
    `Cannot read ${name} from Vault (${showRef(ref)}): ${why}.`,
  );
}

/**
 * A reader bound to one Vault: each secret (mount and path) is fetched once, however many keys
 * of it the settings name.
 */
export function createVaultReader(
  access: VaultAccess,
): (name: string, ref: VaultRef) => Promise<string> {
  const doFetch = access.fetch ?? fetch;
  const base = access.addr.replace(/\/+$/, '');
  const cache = new Map<string, Promise<SecretData>>();

  async function load(name: string, ref: VaultRef): Promise<SecretData> {
    const url = `${base}/v1/${encodeURIComponent(ref.mount)}/data/${ref.path
      .split('/')
      .map(encodeURIComponent)
      .join('/')}`;
    let res: Response;
    try {
      res = await doFetch(url, {
        headers: { 'X-Vault-Token': access.token, accept: 'application/json' },
        signal: AbortSignal.timeout(access.timeoutMs ?? 10_000),
        redirect: 'manual',
      });
    } catch (e) {
      const cause = (e as { cause?: { code?: string } }).cause?.code ?? (e as Error).name;
      throw fail(name, ref, `cannot reach VAULT_ADDR=${redactUrl(access.addr)} (${cause})`);
    }
    if (res.status >= 300 && res.status < 400)
      throw fail(name, ref, `Vault redirected (${res.status}); set VAULT_ADDR to the active node`);
    if (res.status === 401 || res.status === 403)
      throw fail(
        name,
        ref,
        `the token was refused (${res.status}); check VAULT_TOKEN and its policy`,
      );
    if (res.status === 404) throw fail(name, ref, 'no such secret (404); check the mount and path');
    if (!res.ok) throw fail(name, ref, `Vault answered ${res.status}`);
    const body = (await res.json().catch(() => null)) as { data?: { data?: unknown } } | null;
    const data = body?.data?.data;
    if (!data || typeof data !== 'object')
      throw fail(name, ref, 'the answer is not a KV version 2 secret');
    return data as SecretData;
  }

  return async (name, ref) => {
    const id = `${ref.mount}/${ref.path}`;
    let pending = cache.get(id);
    if (!pending) {
      pending = load(name, ref);
      cache.set(id, pending);
    }
    const data = await pending;
    const value = data[ref.key];
    if (value === undefined) throw fail(name, ref, `the secret has no key "${ref.key}"`);
    if (typeof value !== 'string' || !value)
      throw fail(name, ref, `the key "${ref.key}" does not hold a non-empty string`);
    return value;
  };
}
