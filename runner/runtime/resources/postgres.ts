import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { AppError } from '../../../core/errors.ts';
import type { PostgresProvider, ScratchPostgres, SqlOutcome } from './providers.ts';

/**
 * Scratch Postgres for one runtime check: a login role with no privileges beyond its own
 * database (no superuser, no CREATEDB, no CREATEROLE) and a database it owns, on the configured
 * server. Model-written SQL runs as that role, never with the admin URL's privileges; both are
 * dropped afterwards. Names and passwords are generated here, never taken from input.
 */

const NAME = /^sg_rt_[0-9a-f]{16}$/;
/** Written on each scratch database and role, so one a crashed check left behind can be dropped. */
const NOTE = 'scenario-gen runtime check, expires ';
const PASSWORD = /^[A-Za-z0-9_-]{24}$/;

function scratchName(): string {
  return `sg_rt_${randomBytes(8).toString('hex')}`;
}

function quiet(url: string, options: postgres.Options<Record<string, never>> = {}): postgres.Sql {
  return postgres(url, {
    max: 1,
    connect_timeout: 10,
    idle_timeout: 20,
    onnotice: () => {},
    ...options,
  });
}

function outcomeOf(e: unknown): SqlOutcome {
  if (e instanceof postgres.PostgresError) {
    const position = Number(e.position);
    return {
      ok: false,
      code: e.code,
      message: e.message,
      ...(Number.isInteger(position) && position > 0 ? { position } : {}),
      ...(e.detail ? { detail: e.detail } : {}),
      ...(e.hint ? { hint: e.hint } : {}),
    };
  }
  return { ok: false, code: 'client', message: e instanceof Error ? e.message : String(e) };
}

/** Creates the provider for an admin URL; it connects on first use. */
export function createPostgresProvider(adminUrl: string): PostgresProvider {
  const u = new URL(adminUrl);
  const host = u.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1';
  const port = u.port || '5432';
  let admin: postgres.Sql | undefined;
  /** Whether the server let a wrong password in (trust authentication); probed once. */
  let trusts: Promise<boolean> | undefined;
  const sqlAdmin = (): postgres.Sql => (admin ??= quiet(adminUrl, { max: 2 }));
  // COMMENT takes no bind parameters; the text is ours (a fixed prefix and an ISO date).
  const noteUntil = (until: string): postgres.PendingQuery<postgres.Row[]> =>
    sqlAdmin().unsafe(`'${NOTE}${until}'`);
  const urlFor = (role: string, password: string, db: string): string =>
    `postgres://${role}:${password}@${host.includes(':') ? `[${host}]` : host}:${port}/${db}`;

  async function probeTrust(role: string, db: string): Promise<boolean> {
    const probe = quiet(urlFor(role, 'not-the-password', db), { connect_timeout: 3 });
    try {
      await probe`select 1`;
      return true;
    } catch {
      return false;
    } finally {
      await probe.end({ timeout: 1 });
    }
  }

  async function drop(name: string): Promise<string | null> {
    const sql = sqlAdmin();
    const problems: string[] = [];
    await sql`drop database if exists ${sql(name)} with (force)`.catch((e: unknown) =>
      problems.push(`database ${name}: ${(e as Error).message}`),
    );
    await sql`drop role if exists ${sql(name)}`.catch((e: unknown) =>
      problems.push(`role ${name}: ${(e as Error).message}`),
    );
    return problems.length ? problems.join('; ') : null;
  }

  /** Drops scratch databases and roles whose lease has expired (their check crashed). */
  async function reapExpired(): Promise<string[]> {
    const sql = sqlAdmin();
    const rows = await sql<{ name: string; note: string | null }[]>`
      select datname as name, shobj_description(oid, 'pg_database') as note
        from pg_database where datname like 'sg\_rt\_%'
      union all
      select rolname, shobj_description(oid, 'pg_authid') from pg_roles where rolname like 'sg\_rt\_%'`;
    const expired = new Set<string>();
    for (const r of rows) {
      const until = r.note?.startsWith(NOTE) ? Date.parse(r.note.slice(NOTE.length)) : NaN;
      if (NAME.test(r.name) && until < Date.now()) expired.add(r.name);
    }
    for (const name of expired) await drop(name);
    return [...expired];
  }
  let reaping: Promise<unknown> | undefined;

  async function provision(leaseMs: number): Promise<ScratchPostgres> {
    reaping ??= reapExpired().catch(() => []);
    const name = scratchName();
    const until = new Date(Date.now() + leaseMs).toISOString();
    const password = randomBytes(18).toString('base64url');
    if (!NAME.test(name) || !PASSWORD.test(password)) throw new Error('bad scratch credentials');
    const sql = sqlAdmin();
    try {
      // CREATE ROLE takes no bind parameters; the password is ours and checked above.
      await sql`create role ${sql(name)} login nosuperuser nocreatedb nocreaterole noreplication connection limit 32 password ${sql.unsafe(`'${password}'`)}`;
      await sql`comment on role ${sql(name)} is ${noteUntil(until)}`;
      await sql`create database ${sql(name)} owner ${sql(name)}`;
      await sql`comment on database ${sql(name)} is ${noteUntil(until)}`;
      await sql`revoke all on database ${sql(name)} from public`;
    } catch (e) {
      await drop(name);
      throw new AppError(
        'service_unavailable',
        `Could not create a scratch database: ${(e as Error).message}`,
        { cause: e },
      );
    }
    const url = urlFor(name, password, name);
    trusts ??= probeTrust(name, name);
    const notes = (await trusts)
      ? [
          `The Postgres server at ${host}:${port} lets local clients in without a password (trust authentication): code under test could log in as any role there, not only its scratch role.`,
        ]
      : [];
    let conn: postgres.Sql | undefined;
    const scratch = (): postgres.Sql => (conn ??= quiet(url));
    return {
      database: name,
      role: name,
      notes,
      env: {
        POSTGRES_HOST: host,
        POSTGRES_PORT: port,
        POSTGRES_USER: name,
        POSTGRES_PASSWORD: password,
        POSTGRES_DB: name,
        POSTGRES_URL: url,
        PGHOST: host,
        PGPORT: port,
        PGUSER: name,
        PGPASSWORD: password,
        PGDATABASE: name,
      },
      async exec(text, timeoutMs) {
        try {
          const c = scratch();
          await c.unsafe(`set statement_timeout = ${Math.max(1, Math.floor(timeoutMs))}`);
          // One simple-protocol message: the statements run as one implicit transaction, and a
          // file's own BEGIN/COMMIT still works.
          await c.unsafe(text).simple();
          return { ok: true };
        } catch (e) {
          return outcomeOf(e);
        }
      },
      async locate(statements, timeoutMs) {
        let failed: number | null = null;
        await scratch()
          .begin(async (tx) => {
            await tx`select set_config('statement_timeout', ${String(timeoutMs)}, true)`;
            for (const [i, s] of statements.entries()) {
              try {
                await tx.unsafe(s).simple();
              } catch (e) {
                failed = i;
                throw e;
              }
            }
            throw new Error('rollback');
          })
          .catch(() => {});
        return failed;
      },
      async release() {
        await conn?.end({ timeout: 2 }).catch(() => {});
        return drop(name);
      },
    };
  }

  return {
    kind: 'postgres',
    provision,
    reapExpired,
    async close() {
      await reaping;
      await admin?.end({ timeout: 5 });
      admin = undefined;
    },
  };
}
