import { AppError } from '../errors.ts';
import { assertKey } from './keys.ts';
import type { ObjectBody, ObjectInfo, ObjectStore, PutOptions } from './port.ts';

/*
 * Versions live in the key scheme, `<baseKey>/v000001`, `/v000002`, …, because s3rver and many
 * S3 servers have no bucket versioning. Six digits keep keys in version order when listed; past
 * 999999 the number simply grows longer and listVersions still sorts numerically.
 */

/** One stored version of a versioned object. */
export interface VersionEntry {
  version: number;
  key: string;
  info: ObjectInfo;
}

/** A version with its content. */
export interface VersionContent extends VersionEntry {
  body: Buffer;
}

const VERSION_SEGMENT = /^v(\d{6,})$/;

function assertVersion(version: number): number {
  if (!Number.isSafeInteger(version) || version < 1) {
    throw new AppError(
      'bad_request',
      `Version must be a positive integer, got ${String(version)}.`,
      {
        details: { version },
      },
    );
  }
  return version;
}

/** The key of version `version` of `baseKey` (`runs/1/plan` + 2 → `runs/1/plan/v000002`). */
export function versionKey(baseKey: string, version: number): string {
  return assertKey(`${assertKey(baseKey)}/v${String(assertVersion(version)).padStart(6, '0')}`);
}

/** Every version of `baseKey`, oldest first; [] when there is none. */
export async function listVersions(store: ObjectStore, baseKey: string): Promise<VersionEntry[]> {
  const prefix = `${assertKey(baseKey)}/v`;
  const entries: VersionEntry[] = [];
  for (const info of await store.list(prefix)) {
    // The prefix also matches deeper keys such as `<base>/vendor/x`; keep exact version keys only.
    const match = VERSION_SEGMENT.exec(info.key.slice(baseKey.length + 1));
    if (match?.[1] !== undefined) entries.push({ version: Number(match[1]), key: info.key, info });
  }
  return entries.sort((a, b) => a.version - b.version);
}

/**
 * Writes the next version of `baseKey` (1 + the highest existing). Two writers racing on the same
 * base key could pick the same number; callers serialise per base key (one run owns its keys).
 */
export async function putVersion(
  store: ObjectStore,
  baseKey: string,
  body: ObjectBody,
  options?: PutOptions,
): Promise<VersionEntry> {
  const versions = await listVersions(store, baseKey);
  const version = (versions.at(-1)?.version ?? 0) + 1;
  const key = versionKey(baseKey, version);
  const info = await store.put(key, body, options);
  return { version, key, info };
}

/**
 * Reads one version of `baseKey`, the latest when `version` is omitted.
 * @throws AppError `not_found` when there is no such version (or none at all).
 */
export async function getVersion(
  store: ObjectStore,
  baseKey: string,
  version?: number,
): Promise<VersionContent> {
  let entry: VersionEntry | undefined;
  if (version === undefined) {
    entry = (await listVersions(store, baseKey)).at(-1);
  } else {
    const key = versionKey(baseKey, version);
    const info = await store.stat(key);
    if (info) entry = { version, key, info };
  }
  if (!entry) {
    const what = version === undefined ? 'any version' : `version ${version}`;
    throw new AppError('not_found', `Object ${baseKey} has no ${what}.`, {
      details: { what: 'object version', id: baseKey, version },
    });
  }
  return { ...entry, body: await store.get(entry.key) };
}
