import postgres from 'postgres';
import { createClient } from 'redis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createResourceProviders, type RedisProvider } from './providers.ts';

/** The scratch resources on their own, against the machine's real Postgres and Redis. */

const providers = createResourceProviders({
  postgresAdminUrl: inject('databaseUrl'),
  redisUrl: inject('redisUrl'),
});
const admin = postgres(inject('databaseUrl'), { max: 1, onnotice: () => {} });
afterAll(async () => {
  await providers.close();
  await admin.end();
});

const exists = async (name: string) => ({
  database: (await admin`select 1 from pg_database where datname = ${name}`).length === 1,
  role: (await admin`select 1 from pg_roles where rolname = ${name}`).length === 1,
});

describe('scratch Postgres', () => {
  it('is a database owned by an unprivileged login role, both dropped on release', async () => {
    const pg = await providers.postgres!.provision(60_000);
    const [role] = await admin<{ super: boolean; createdb: boolean; createrole: boolean }[]>`
      select rolsuper as super, rolcreatedb as createdb, rolcreaterole as createrole
        from pg_roles where rolname = ${pg.role}`;
    expect(role).toEqual({ super: false, createdb: false, createrole: false });
    const [owner] = await admin<{ owner: string }[]>`
      select pg_get_userbyid(datdba) as owner from pg_database where datname = ${pg.database}`;
    expect(owner?.owner).toBe(pg.role);
    // SQL runs as that role: it cannot act as the server's own user.
    expect(await pg.exec('create table t (id int); insert into t values (1);', 5000)).toEqual({
      ok: true,
    });
    expect(await pg.exec('create role intruder superuser;', 5000)).toMatchObject({
      ok: false,
      code: '42501',
    });
    expect(await pg.release()).toBeNull();
    expect(await exists(pg.database)).toEqual({ database: false, role: false });
  });

  it('one a crashed check left behind is dropped once its lease expired, a live one is kept', async () => {
    const crashed = await providers.postgres!.provision(1); // never released
    const live = await providers.postgres!.provision(60_000);
    await new Promise((r) => setTimeout(r, 20));
    const reaped = await providers.postgres!.reapExpired();
    expect(reaped).toContain(crashed.database);
    expect(reaped).not.toContain(live.database);
    expect(await exists(crashed.database)).toEqual({ database: false, role: false });
    expect(await exists(live.database)).toEqual({ database: true, role: true });
    await live.release();
  });
});

describe('scratch Redis', () => {
  it('gives concurrent checks databases of their own, flushed on release', async () => {
    const [a, b] = await Promise.all([
      providers.redis!.provision(60_000),
      providers.redis!.provision(60_000),
    ]);
    expect(a!.env['REDIS_DB']).not.toBe(b!.env['REDIS_DB']);
    const c = createClient({ url: a!.env['REDIS_URL']! });
    await c.connect();
    await c.set('k', 'v');
    expect(await a!.release()).toBeNull();
    expect(await c.dbSize()).toBe(0);
    c.destroy();
    await b!.release();
  });

  it('flushes a database a crashed check left dirty before handing it out again', async () => {
    const leaked = await providers.redis!.provision(50); // its lease expires: a crash
    const db = Number(leaked.env['REDIS_DB']);
    const c = createClient({ url: leaked.env['REDIS_URL']! });
    await c.connect();
    await c.set('left-behind', '1');
    await new Promise((r) => setTimeout(r, 80));
    // Lowest free first: within a few provisions this test (or a concurrent check) takes it,
    // flushing it before use.
    const held: Awaited<ReturnType<RedisProvider['provision']>>[] = [];
    try {
      for (let i = 0; i < 15; i++) {
        const next = await providers.redis!.provision(60_000);
        held.push(next);
        if (Number(next.env['REDIS_DB']) >= db) break;
      }
      expect(await c.exists('left-behind')).toBe(0);
    } finally {
      c.destroy();
      for (const h of held) await h.release();
    }
  });

  it('never hands out a non-empty database that no check marked (another owner’s data)', async () => {
    const probe = await providers.redis!.provision(60_000);
    const db = Number(probe.env['REDIS_DB']);
    await probe.release();
    const foreign = createClient({ url: inject('redisUrl'), database: db });
    await foreign.connect();
    try {
      await foreign.set('not-ours', '1');
      const other = await providers.redis!.provision(60_000);
      expect(Number(other.env['REDIS_DB'])).not.toBe(db);
      await other.release();
      expect(await foreign.get('not-ours')).toBe('1');
    } finally {
      await foreign.del('not-ours');
      foreign.destroy();
    }
  });
});
