import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inject } from 'vitest';
import { connect, type Sql } from '../../db/client.ts';
import type { ScriptFn } from '../../runner/model-double/script.ts';
import { startModelDouble, type ModelDouble } from '../../runner/model-double/server.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

/**
 * The real server as separate processes (`scenario-gen start`) on a database and a data folder of
 * their own, with the model double answering: for tests that kill, stop and restart the server.
 */
export interface ServerProcesses {
  /** The server's database, for reading what it recorded. */
  sql: Sql;
  double: ModelDouble;
  /** Starts a server process; resolves once it says where it runs. */
  start(): Promise<{ child: ChildProcess; url: string }>;
  /** Kills what is still running, drops the database, removes the data folder. */
  close(): Promise<void>;
}

export async function startServerProcesses(
  name: string,
  script: ScriptFn,
): Promise<ServerProcesses> {
  const base = inject('databaseUrl');
  const dbName = `sg_${name}_${randomBytes(5).toString('hex')}`;
  const admin = connect(base, { max: 1 });
  await admin.unsafe(`CREATE DATABASE ${dbName}`);
  const u = new URL(base);
  u.pathname = `/${dbName}`;
  const sql = connect(u.toString(), { max: 2 });
  const dataDir = mkdtempSync(path.join(tmpdir(), `sg-${name}-`));
  chmodSync(dataDir, 0o755);
  const double = await startModelDouble({ defaultScript: script });
  const children: ChildProcess[] = [];
  return {
    sql,
    double,
    start() {
      const child = spawn(process.execPath, [path.join(ROOT, 'bin/scenario-gen.ts'), 'start'], {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          LANG: 'C.UTF-8',
          DATA_DIR: dataDir,
          PORT: '0',
          DATABASE_URL: u.toString(),
          ANTHROPIC_BASE_URL: double.url,
          ANTHROPIC_API_KEY: `sk-ant-test-${name}`,
          CLAUDE_CODE_MAX_RETRIES: '1',
          LOG_LEVEL: 'warn',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      children.push(child);
      let out = '';
      child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
      return new Promise((resolve, reject) => {
        child.stdout!.on('data', (d: Buffer) => {
          out += d.toString();
          const m = out.match(/running at (http:\/\/\S+)/);
          if (m) resolve({ child, url: m[1]! });
        });
        child.on('exit', (code) => reject(new Error(`server exited ${code}: ${out}`)));
      });
    },
    async close() {
      for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
      await double.close();
      await sql.end();
      await admin.unsafe(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      await admin.end();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Polls `fn` every 200 ms until it returns a value; fails naming `what` after `timeoutMs`. */
export async function until<T>(
  what: string,
  fn: () => Promise<T | undefined>,
  timeoutMs = 90_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
