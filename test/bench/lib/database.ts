import { randomBytes } from 'node:crypto';
import { connect, type Sql } from '../../../db/client.ts';

/**
 * A throw-away database on the benchmark's Postgres: `CREATE DATABASE sg_bench_<random>` on the
 * server named by BENCH_DATABASE_URL / DATABASE_URL (default: the test Postgres), dropped again
 * by `drop()` (connections forced off, so it works after a crash of whatever used it).
 */
export interface BenchDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** The server URL benchmarks use, from the environment or the test default. */
export function benchServerUrl(env: NodeJS.ProcessEnv = process.env): string {
  return env.BENCH_DATABASE_URL || env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
}

/** Creates the database; the returned URL points at it. */
export async function createBenchDatabase(serverUrl: string): Promise<BenchDatabase> {
  const name = `sg_bench_${randomBytes(5).toString('hex')}`;
  const admin: Sql = connect(serverUrl, { max: 1 });
  try {
    await admin`CREATE DATABASE ${admin(name)}`;
  } finally {
    await admin.end({ timeout: 5 });
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  let dropped = false;
  return {
    name,
    url: url.toString(),
    async drop() {
      if (dropped) return;
      dropped = true;
      const a: Sql = connect(serverUrl, { max: 1 });
      try {
        await a`DROP DATABASE IF EXISTS ${a(name)} WITH (FORCE)`;
      } finally {
        await a.end({ timeout: 5 });
      }
    },
  };
}
