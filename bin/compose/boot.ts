import path from 'node:path';
import { createBus } from '../../core/bus/index.ts';
import type { ProgressBus } from '../../core/bus/port.ts';
import type { Config } from '../../core/config.ts';
import { AppError } from '../../core/errors.ts';
import type { Logger } from '../../core/log.ts';
import { redactUrl, redactUrlsIn } from '../../core/secrets/redact-url.ts';
import { createObjectStore } from '../../core/store/index.ts';
import type { ObjectStore } from '../../core/store/port.ts';
import { connect, type Sql } from '../../db/client.ts';
import { startEmbeddedPostgres } from '../../db/embedded.ts';
import { watchEmbedded } from '../../db/embedded-watch.ts';
import { migrate } from '../../db/migrate.ts';
import { seedSamples } from '../../db/seed.ts';

/**
 * The composition root's first half: opens the database (embedded Postgres when DATABASE_URL is
 * unset), applies migrations, opens the object store and the progress bus. Every adapter is
 * chosen here from the parsed config and nowhere else.
 */
export interface Services {
  config: Config;
  sql: Sql;
  store: ObjectStore;
  bus: ProgressBus;
  /** True when the database is the embedded one. */
  embeddedDb: boolean;
  /** The database's URL (configured or embedded): the runtime check makes scratch databases there. */
  databaseUrl: string;
  /** Settles only when a service failed beyond repair (the embedded Postgres could not restart). */
  fatal: Promise<Error>;
  stop(): Promise<void>;
}

export async function startServices(config: Config, log: Logger): Promise<Services> {
  const stops: Array<() => Promise<void>> = [];
  try {
    let url = config.DATABASE_URL;
    let created = false;
    let fail: (e: Error) => void = () => {};
    const fatal = new Promise<Error>((resolve) => (fail = resolve));
    if (!url) {
      const t0 = Date.now();
      const pg = await startEmbeddedPostgres(config.dataDir, (l) => log.info(l));
      url = pg.url;
      created = pg.created;
      stops.push(pg.stop);
      const unwatch = watchEmbedded(pg, {
        log: (l) => log.warn(l),
        onFatal: (e) => {
          log.error(e.message);
          fail(e);
        },
      });
      stops.unshift(async () => unwatch());
      log.info(`embedded Postgres ${created ? 'created' : 'started'} in ${Date.now() - t0} ms`, {
        dataDir: path.join(config.dataDir, 'pg'),
      });
    }
    const sql = connect(url, { max: config.DATABASE_POOL_SIZE });
    stops.unshift(() => sql.end({ timeout: 5 }));
    const applied = await atStart('PostgreSQL', 'DATABASE_URL', config.DATABASE_URL, () =>
      migrate(sql),
    );
    if (applied.length) log.info(`applied migrations: ${applied.join(', ')}`);
    if (created && config.SEED_SAMPLES) await seedSamples(sql);

    const store = config.S3_ENDPOINT
      ? await createObjectStore({ kind: 's3', ...s3Options(config) })
      : await createObjectStore({ kind: 'fs', root: path.join(config.dataDir, 'objects') });
    await store.init();
    stops.unshift(() => store.close());

    const bus = await startBus(config);
    stops.unshift(() => bus.close());

    return {
      config,
      sql,
      store,
      bus,
      embeddedDb: !config.DATABASE_URL,
      databaseUrl: url,
      fatal,
      async stop() {
        for (const s of stops) await s().catch((e: unknown) => log.warn(`shutdown: ${String(e)}`));
      },
    };
  } catch (e) {
    for (const s of stops) await s().catch(() => {});
    throw e;
  }
}

/** The configured bus kind: BUS, else redis with REDIS_URL, upstash with its URL, or memory. */
export function busKind(config: Config): 'memory' | 'redis' | 'upstash' {
  if (config.BUS) return config.BUS;
  if (config.REDIS_URL) return 'redis';
  return config.UPSTASH_REDIS_REST_URL ? 'upstash' : 'memory';
}

/** Opens the progress bus the config chooses; Redis and Upstash are tried once at start. */
async function startBus(config: Config): Promise<ProgressBus> {
  const maxPerTopic = config.BUS_REPLAY_SIZE;
  const kind = busKind(config);
  const redisUrl = config.REDIS_URL;
  if (kind === 'redis' && redisUrl)
    return atStart('Redis', 'REDIS_URL', redisUrl, () =>
      createBus({ kind: 'redis', url: redisUrl, maxPerTopic }),
    );
  const url = config.UPSTASH_REDIS_REST_URL;
  const token = config.UPSTASH_REDIS_REST_TOKEN;
  if (kind === 'upstash' && url && token) {
    const bus = await createBus({
      kind: 'upstash',
      url,
      token,
      maxPerTopic,
      pollMs: config.BUS_POLL_INTERVAL,
    });
    // HTTP has no connection to open: one replay proves the URL and token before serving.
    await atStart('Upstash Redis', 'UPSTASH_REDIS_REST_URL', url, () =>
      bus.replay('bus:start-check'),
    ).catch(async (e: unknown) => {
      await bus.close();
      throw e;
    });
    return bus;
  }
  return createBus({ kind: 'memory', maxPerTopic });
}

/**
 * Runs a service's first use at start; a failure becomes one line naming the setting, with the
 * URL's credentials masked (drivers' own messages may quote the URL too).
 */
async function atStart<T>(
  service: string,
  setting: string,
  url: string | undefined,
  use: () => Promise<T>,
): Promise<T> {
  try {
    return await use();
  } catch (e) {
    const where = url ? ` at ${redactUrl(url)} (${setting})` : ' (embedded)';
    const cause = e instanceof Error && e.cause instanceof Error ? ` (${e.cause.message})` : '';
    const why = redactUrlsIn(`${e instanceof Error ? e.message : String(e)}${cause}`);
    throw new AppError('service_unavailable', `Cannot use ${service}${where}: ${why}`, {
      cause: e,
    });
  }
}

/** The S3 adapter's options from S3_* settings. */
export function s3Options(config: Config) {
  const u = new URL(config.S3_ENDPOINT!);
  const useSSL = u.protocol === 'https:';
  return {
    endPoint: u.hostname,
    port: u.port ? Number(u.port) : useSSL ? 443 : 80,
    useSSL,
    accessKey: config.S3_ACCESS_KEY!,
    secretKey: config.S3_SECRET_KEY!,
    bucket: config.S3_BUCKET,
    region: config.S3_REGION,
    pathStyle: true,
  };
}
