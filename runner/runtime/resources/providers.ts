import { createPostgresProvider } from './postgres.ts';
import { createRedisProvider } from './redis.ts';

/**
 * The resources the runtime check can provide: a port per kind, an adapter per server. A provider
 * is long-lived (it keeps an admin connection); each check asks it for a scratch instance of its
 * own and releases it afterwards.
 */

/** A scratch instance made for one check. */
export interface ScratchResource {
  /** Vrooli's variables for it, exported to every step. */
  env: Record<string, string>;
  /** Notes about how isolated it is (e.g. a server that trusts every local login). */
  notes: string[];
  /** Drops or flushes it. Never throws: returns what could not be cleaned up, or null. */
  release(): Promise<string | null>;
}

/** The outcome of running SQL text: ok, or the server's error. */
export type SqlOutcome =
  | { ok: true }
  | {
      ok: false;
      code: string;
      message: string;
      /** 1-based character offset into the text, when the server gives one. */
      position?: number;
      detail?: string;
      hint?: string;
    };

/** A scratch database owned by a scratch login role (never the server's own). */
export interface ScratchPostgres extends ScratchResource {
  database: string;
  role: string;
  /** Runs SQL text as the scratch role in one implicit transaction (as psql -1 would). */
  exec(text: string, timeoutMs: number): Promise<SqlOutcome>;
  /**
   * Runs statements one by one in a transaction that is rolled back, and returns the index of
   * the first that fails (to locate an error the server gave no position for), or null.
   */
  locate(statements: readonly string[], timeoutMs: number): Promise<number | null>;
}

/** Makes scratch databases on one Postgres server. */
export interface PostgresProvider {
  kind: 'postgres';
  /**
   * `leaseMs`: how long the scratch database may live; past it, one a crashed check left behind
   * is dropped by `reapExpired` (which the provider's first `provision` runs by itself).
   */
  provision(leaseMs: number): Promise<ScratchPostgres>;
  /** Drops expired scratch databases and roles; returns their names. */
  reapExpired(): Promise<string[]>;
  close(): Promise<void>;
}

/** Leases scratch databases on one Redis server. */
export interface RedisProvider {
  kind: 'redis';
  /** `leaseMs`: how long the database stays reserved if this process dies before release. */
  provision(leaseMs: number): Promise<ScratchResource>;
  close(): Promise<void>;
}

/** What a runtime check may provision. Absent members are reported as not provided. */
export interface ResourceProviders {
  postgres?: PostgresProvider;
  redis?: RedisProvider;
}

/** The servers to provision on (from the parsed config). */
export interface ProviderSettings {
  /**
   * A Postgres URL whose user may create databases and roles (the app's DATABASE_URL, or the
   * embedded server's). Its credentials never reach the scenario.
   */
  postgresAdminUrl?: string;
  /** The Redis server to lease scratch databases on. Its credentials never reach the scenario. */
  redisUrl?: string;
}

/** Providers for the configured servers, plus `close()` for all of them. */
export function createResourceProviders(
  settings: ProviderSettings,
): ResourceProviders & { close(): Promise<void> } {
  const postgres = settings.postgresAdminUrl
    ? createPostgresProvider(settings.postgresAdminUrl)
    : undefined;
  const redis = settings.redisUrl ? createRedisProvider(settings.redisUrl) : undefined;
  return {
    ...(postgres ? { postgres } : {}),
    ...(redis ? { redis } : {}),
    async close() {
      await Promise.all([postgres?.close(), redis?.close()]);
    },
  };
}
