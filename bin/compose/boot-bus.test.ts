import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parseConfig } from '../../core/config.ts';
import { createLogger } from '../../core/log.ts';
import { createTestDb, type TestDb } from '../../test/support/db.ts';
import { startUpstashShim, type UpstashShim } from '../../test/support/upstash-shim.ts';
import { busKind, startServices } from './boot.ts';

const TOKEN = 'upstash-token-canary-5e4d3c';

describe('the progress bus chosen at boot', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'sg-boot-bus-'));
  let db: TestDb;
  let shim: UpstashShim;
  beforeAll(async () => {
    db = await createTestDb();
    shim = await startUpstashShim({ redisUrl: inject('redisUrl'), token: TOKEN });
  });
  afterAll(async () => {
    await shim?.close();
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });
  const dbUrl = () => {
    const u = new URL(db.url);
    u.searchParams.set('search_path', db.schema);
    return u.toString();
  };

  it('BUS, else REDIS_URL, else the Upstash pair, else in-process; incomplete settings refused', () => {
    const kind = (env: Record<string, string>) => busKind(parseConfig({ DATA_DIR: dir, ...env }));
    const up = { UPSTASH_REDIS_REST_URL: shim.url, UPSTASH_REDIS_REST_TOKEN: TOKEN };
    expect(kind({})).toBe('memory');
    expect(kind(up)).toBe('upstash');
    expect(kind({ ...up, REDIS_URL: 'redis://127.0.0.1:6379' })).toBe('redis');
    expect(kind({ ...up, REDIS_URL: 'redis://127.0.0.1:6379', BUS: 'upstash' })).toBe('upstash');
    expect(kind({ ...up, BUS: 'memory' })).toBe('memory');
    expect(() => kind({ BUS: 'upstash' })).toThrow(
      /BUS="upstash": expected UPSTASH_REDIS_REST_URL/,
    );
    expect(() => kind({ BUS: 'redis' })).toThrow(/BUS="redis": expected REDIS_URL/);
    expect(() => kind({ UPSTASH_REDIS_REST_URL: shim.url })).toThrow(/set together/);
    expect(() => kind({ BUS: 'kafka' })).toThrow(/one of memory, redis, upstash/);
  });

  it('BUS=upstash opens the Upstash bus, and a refused token stops start-up with one line', async () => {
    const env = {
      DATA_DIR: dir,
      DATABASE_URL: dbUrl(),
      BUS: 'upstash',
      UPSTASH_REDIS_REST_URL: shim.url,
      UPSTASH_REDIS_REST_TOKEN: TOKEN,
      BUS_POLL_INTERVAL: '20ms',
    };
    const log = createLogger('error');
    const services = await startServices(parseConfig(env), log);
    try {
      expect(services.bus.kind).toBe('upstash');
      const got: unknown[] = [];
      const stop = await services.bus.subscribe('boot:t', (e) => got.push(e.payload));
      await services.bus.publish('boot:t', { ok: 1 });
      for (let i = 0; i < 100 && got.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
      expect(got).toEqual([{ ok: 1 }]);
      await stop();
    } finally {
      await services.stop();
    }
    const wrong = { ...env, UPSTASH_REDIS_REST_TOKEN: 'not-the-token-at-all' };
    const failed = await startServices(parseConfig(wrong), log).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(failed).toMatchObject({ code: 'service_unavailable' });
    const message = (failed as Error).message;
    expect(message).toContain(`Cannot use Upstash Redis at ${shim.url} (UPSTASH_REDIS_REST_URL)`);
    expect(message).toContain('Unauthorized');
    expect(message).not.toContain('not-the-token-at-all');
  });
});
