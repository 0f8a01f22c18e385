import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../db/embedded.ts';
import { createTestDb, type TestDb } from './support/db.ts';
import { runCli } from './support/server.ts';

/**
 * `scenario-gen start` with a database or Redis it cannot use fails with one line that names the
 * setting and shows the URL with its credentials masked; the password is nowhere in the output.
 */
const PW = 'canary-start-pw-7c6b5a4f3e';

describe('start-up errors show no URL credentials', () => {
  let db: TestDb;
  const dir = mkdtempSync(path.join(tmpdir(), 'sg-start-errors-'));
  const base = () => ({
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    LANG: 'C.UTF-8',
    DATA_DIR: dir,
    PORT: '0',
    LOG_LEVEL: 'debug',
  });
  beforeAll(async () => {
    db = await createTestDb();
  });
  afterAll(async () => {
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  function expectOneCleanLine(r: { code: number | null; stdout: string; stderr: string }) {
    expect(r.code).toBe(2);
    expect(r.stdout + r.stderr).not.toContain(PW);
    // Log lines may come before it; the error itself is one line, with no stack.
    expect(r.stderr).not.toMatch(/^\s+at /m);
  }

  it('an unreachable database', async () => {
    const port = await freePort();
    const r = await runCli(['start'], {
      ...base(),
      DATABASE_URL: `postgres://app:${PW}@127.0.0.1:${port}/x`,
    });
    expectOneCleanLine(r);
    expect(r.stderr).toMatch(
      new RegExp(
        `^scenario-gen start: Cannot use PostgreSQL at postgres://app:\\*\\*\\*@127\\.0\\.0\\.1:${port}/x \\(DATABASE_URL\\): .*ECONNREFUSED`,
      ),
    );
  });

  it('an unreachable Redis, and a Redis that refuses the password', async () => {
    const url = new URL(db.url);
    url.searchParams.set('search_path', db.schema);
    const port = await freePort();
    const closed = await runCli(['start'], {
      ...base(),
      DATABASE_URL: url.toString(),
      REDIS_URL: `redis://:${PW}@127.0.0.1:${port}`,
    });
    expectOneCleanLine(closed);
    expect(closed.stderr).toContain(
      `Cannot use Redis at redis://:***@127.0.0.1:${port} (REDIS_URL): `,
    );

    const redis = new URL(inject('redisUrl'));
    redis.username = 'nobody';
    redis.password = PW;
    const refused = await runCli(['start'], {
      ...base(),
      DATABASE_URL: url.toString(),
      REDIS_URL: redis.toString(),
    });
    expectOneCleanLine(refused);
    expect(refused.stderr).toContain(`Cannot use Redis at redis://nobody:***@${redis.host}`);
  });

  it('a malformed URL read from a file', async () => {
    const file = path.join(dir, 'db-url');
    writeFileSync(file, `postgres://app:${PW}@db host/x\n`);
    const r = await runCli(['start'], { ...base(), DATABASE_URL_FILE: file });
    expectOneCleanLine(r);
    expect(r.stderr).toMatch(
      /^Invalid setting DATABASE_URL="postgres:\/\/app:\*\*\*@db host\/x": expected a valid URL/,
    );
  });
});
