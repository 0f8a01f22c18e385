import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connect, type Sql } from '../../db/client.ts';
import { migrate } from '../../db/migrate.ts';
import { createObjectStore } from '../../core/store/index.ts';
import { CLI, ROOT } from '../support/server.ts';

/**
 * Artifacts stream through export and import: a 256 MiB bundle goes out and back in through the
 * real CLI processes while their peak resident memory (GNU time's %M) stays far below its size.
 */
const MIB = 1024 * 1024;
const BIG = 256 * MIB;
const cleanups: Array<() => Promise<void> | void> = [];

async function instance() {
  const adminUrl = inject('databaseUrl');
  const name = `sg_stream_${randomBytes(5).toString('hex')}`;
  const admin = connect(adminUrl, { max: 1 });
  await admin`CREATE DATABASE ${admin(name)}`;
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const sql = connect(url.toString(), { max: 2 });
  await migrate(sql);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'sg-stream-'));
  cleanups.push(async () => {
    await sql.end({ timeout: 5 });
    await admin`DROP DATABASE IF EXISTS ${admin(name)} WITH (FORCE)`.catch(() => {});
    await admin.end({ timeout: 5 });
    rmSync(dataDir, { recursive: true, force: true });
  });
  const env = {
    PATH: process.env.PATH,
    LOG_LEVEL: 'warn',
    DATABASE_URL: url.toString(),
    DATA_DIR: dataDir,
  };
  return { sql, env, objects: path.join(dataDir, 'objects') };
}

/** Runs the CLI under GNU time; resolves with its exit code, output and peak RSS in MiB. */
function measured(args: string[], env: NodeJS.ProcessEnv) {
  const child = spawn('/usr/bin/time', ['-f', 'maxrss_kb=%M', process.execPath, CLI, ...args], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d));
  child.stderr.on('data', (d: Buffer) => (out += d));
  return new Promise<{ code: number | null; out: string; rssMib: number }>((resolve) =>
    child.on('exit', (code) =>
      resolve({ code, out, rssMib: Number(/maxrss_kb=(\d+)/.exec(out)?.[1] ?? NaN) / 1024 }),
    ),
  );
}

/** A campaign, scenario and run with one bundle row naming `key`. */
async function seed(sql: Sql, key: string) {
  const [c] = await sql`INSERT INTO campaigns (name) VALUES ('Big') RETURNING id`;
  const [s] = await sql`INSERT INTO scenarios (campaign_id, slug, title, request)
    VALUES (${c!.id}, 'big', 'Big', 'A scenario with a big bundle') RETURNING id`;
  const [r] = await sql`INSERT INTO runs (scenario_id, number) VALUES (${s!.id}, 1) RETURNING id`;
  await sql`INSERT INTO artifacts (run_id, scenario_id, phase, iteration, object_key)
            VALUES (${r!.id}, ${s!.id}, 'implementing', 1, ${key})`;
}

let work: string;
beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), 'sg-stream-files-'));
  cleanups.push(() => rmSync(work, { recursive: true, force: true }));
});
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

/** Exports an instance holding one bundle of `size` bytes and imports it into a fresh one. */
async function roundTrip(size: number) {
  const src = await instance();
  const key = 'bundles/big/implementing-1.tar.gz';
  const store = await createObjectStore({ kind: 'fs', root: src.objects });
  await store.init();
  // A pattern gzip compresses quickly (the test is about memory, not compression).
  const chunk = Buffer.alloc(MIB, 'scenario ');
  const hash = createHash('sha256');
  await store.put(
    key,
    Readable.from(
      (function* () {
        for (let i = 0; i < size / MIB; i++) {
          hash.update(chunk);
          yield chunk;
        }
      })(),
    ),
  );
  await store.close();
  await seed(src.sql, key);
  const file = path.join(work, `${size}.tar.gz`);
  const out = await measured(['export', file], src.env);
  expect(out.code, out.out).toBe(0);
  const dst = await instance();
  const imp = await measured(['import', file], dst.env);
  expect(imp.code, imp.out).toBe(0);
  const back = await createObjectStore({ kind: 'fs', root: dst.objects });
  const got = createHash('sha256');
  for await (const c of await back.stream(key)) got.update(c as Buffer);
  await back.close();
  expect(got.digest('hex')).toBe(hash.digest('hex'));
  return { exportMib: out.rssMib, importMib: imp.rssMib };
}

describe('export and import stream artifacts', () => {
  it('move a 256 MiB bundle with about the peak memory of a 1 MiB one', async () => {
    const small = await roundTrip(MIB);
    const big = await roundTrip(BIG);
    console.log(
      `archive streaming: peak RSS export ${small.exportMib.toFixed(0)} → ${big.exportMib.toFixed(0)} MiB, import ${small.importMib.toFixed(0)} → ${big.importMib.toFixed(0)} MiB (1 MiB → 256 MiB object)`,
    );
    // Holding the object whole would add at least 255 MiB.
    expect(big.exportMib - small.exportMib).toBeLessThan(96);
    expect(big.importMib - small.importMib).toBeLessThan(96);
  }, 300_000);
});
