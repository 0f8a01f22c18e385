import { randomBytes } from 'node:crypto';
import { createClient } from 'redis';
import { AppError } from '../../../core/errors.ts';
import type { RedisProvider, ScratchResource } from './providers.ts';

/**
 * Scratch Redis for one runtime check: a logical database of its own on the configured server,
 * reserved by a lease key (so concurrent checks never share one), empty when taken and flushed
 * when released. When the server needs credentials, the check gets an ACL user of its own
 * (no admin or dangerous commands) instead of the server's password.
 */

type Client = ReturnType<typeof createClient>;

const LEASE_PREFIX = 'sg:runtime:redis-db:';
/** Databases in use by a check (no expiry): one a crashed check left behind is known by it. */
const DIRTY_KEY = 'sg:runtime:redis-dirty';
const RELEASE_SCRIPT = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

function connectQuietly(client: Client): Promise<Client> {
  client.on('error', () => {});
  return client.connect();
}

/** Creates the provider for a Redis URL; it connects on first use. */
export function createRedisProvider(url: string): RedisProvider {
  const u = new URL(url);
  const host = u.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1';
  const port = u.port || '6379';
  const baseDb = Number(u.pathname.slice(1) || '0');
  const needsAuth = u.password !== '' || u.username !== '';
  let admin: Promise<Client> | undefined;
  let databases: Promise<number> | undefined;
  const client = (): Promise<Client> =>
    (admin ??= connectQuietly(
      createClient({ url, socket: { connectTimeout: 5000, reconnectStrategy: false } }),
    ));

  async function countDatabases(c: Client): Promise<number> {
    try {
      const reply = (await c.sendCommand(['CONFIG', 'GET', 'databases'])) as unknown;
      const n = Array.isArray(reply) ? Number(reply[1]) : Number.NaN;
      return Number.isInteger(n) && n > 1 ? Math.min(n, 256) : 16;
    } catch {
      return 16; // CONFIG may be forbidden to this user; 16 is Redis's default.
    }
  }

  async function lease(
    c: Client,
    token: string,
    leaseMs: number,
  ): Promise<{ scratch: Client; db: number } | null> {
    const count = await (databases ??= countDatabases(c));
    for (let db = 0; db < count; db++) {
      if (db === baseDb) continue;
      const key = `${LEASE_PREFIX}${db}`;
      const got: unknown = await c.sendCommand(['SET', key, token, 'NX', 'PX', String(leaseMs)]);
      if (got !== 'OK') continue;
      const scratch = await connectQuietly(c.duplicate({ database: db }));
      const size = await scratch.dbSize();
      // A database a crashed check left behind (its lease expired) is ours to flush and reuse.
      const leftover = size > 0 && (await c.sIsMember(DIRTY_KEY, String(db))) === 1;
      if (size === 0 || leftover) {
        await c.sAdd(DIRTY_KEY, String(db));
        if (leftover) await scratch.flushDb();
        return { scratch, db };
      }
      scratch.destroy();
      await c.sendCommand(['EVAL', RELEASE_SCRIPT, '1', key, token]);
    }
    return null;
  }

  async function provision(leaseMs: number): Promise<ScratchResource> {
    const c = await client().catch((e: unknown) => {
      admin = undefined;
      throw new AppError('service_unavailable', `Cannot reach Redis: ${(e as Error).message}`, {
        cause: e,
      });
    });
    const token = randomBytes(12).toString('hex');
    const leased = await lease(c, token, leaseMs);
    if (!leased)
      throw new AppError('service_unavailable', 'Every Redis database is in use or not empty.');
    const { scratch, db } = leased;
    let user: { name: string; password: string } | undefined;
    if (needsAuth) {
      user = { name: `sg-rt-${token}`, password: randomBytes(18).toString('base64url') };
      await c.sendCommand([
        'ACL',
        'SETUSER',
        user.name,
        'reset',
        'on',
        `>${user.password}`,
        '~*',
        '&*',
        '+@all',
        '-@admin',
        '-@dangerous',
      ]);
    }
    const auth = user ? `${encodeURIComponent(user.name)}:${user.password}@` : '';
    const hostPart = host.includes(':') ? `[${host}]` : host;
    const env: Record<string, string> = {
      REDIS_HOST: host,
      REDIS_PORT: port,
      REDIS_DB: String(db),
      REDIS_URL: `redis://${auth}${hostPart}:${port}/${db}`,
      ...(user ? { REDIS_USERNAME: user.name, REDIS_PASSWORD: user.password } : {}),
    };
    const notes = needsAuth
      ? []
      : [
          `The Redis server at ${host}:${port} has no password: code under test could reach every database there, not only database ${db}.`,
        ];
    return {
      env,
      notes,
      async release() {
        const problems: string[] = [];
        await scratch.flushDb().catch((e: unknown) => problems.push((e as Error).message));
        scratch.destroy();
        if (problems.length === 0) await c.sRem(DIRTY_KEY, String(db)).catch(() => {});
        if (user) {
          await c.sendCommand(['ACL', 'DELUSER', user.name]).catch(() => {});
          await c.sendCommand(['CLIENT', 'KILL', 'USER', user.name]).catch(() => {});
        }
        await c
          .sendCommand(['EVAL', RELEASE_SCRIPT, '1', `${LEASE_PREFIX}${db}`, token])
          .catch((e: unknown) => problems.push((e as Error).message));
        return problems.length ? `redis database ${db}: ${problems.join('; ')}` : null;
      },
    };
  }

  return {
    kind: 'redis',
    provision,
    async close() {
      const c = await admin?.catch(() => undefined);
      admin = undefined;
      c?.destroy();
    },
  };
}
