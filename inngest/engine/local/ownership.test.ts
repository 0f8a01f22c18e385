import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../core/log.ts';
import { createTestDb, type TestDb } from '../../../test/support/db.ts';
import { createLocalEngine, type LocalEngine } from './engine.ts';

/**
 * One owner per database schema: a second engine stands by; when the owner's lock connection is
 * killed (as when Postgres restarts under it), the owner steps down and exactly one engine owns
 * the executor again — never two at once.
 */
let db: TestDb;
const engines: LocalEngine[] = [];
const lines: string[] = [];
beforeAll(async () => {
  db = await createTestDb({ max: 6 });
});
afterAll(async () => {
  for (const e of engines) await e.stop();
  await db.drop();
});

function engine(): LocalEngine {
  const e = createLocalEngine({
    sql: db.sql,
    functions: [],
    log: createLogger('info', [], (l) => lines.push(l)),
    globalConcurrency: 1,
    standbyPollMs: 100,
    pollIntervalMs: 100,
  });
  engines.push(e);
  return e;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('local executor ownership', () => {
  it('a second engine stands by; a lost lock connection hands ownership over without two owners', async () => {
    const a = engine();
    const b = engine();
    await a.start();
    await b.start();
    expect([a.role(), b.role()]).toEqual(['owner', 'standby']);

    // Kill the connection that holds the advisory lock, as a Postgres restart would.
    const [holder] = await db.sql<{ pid: number }[]>`
      SELECT l.pid FROM pg_locks l WHERE l.locktype = 'advisory' AND l.granted
         AND l.objid::int = hashtext('scenario-gen:local-executor' || ${db.schema})`;
    expect(holder).toBeDefined();
    await db.sql`SELECT pg_terminate_backend(${holder!.pid})`;

    const seen = new Set<string>();
    for (let i = 0; i < 120; i++) {
      const roles = [a.role(), b.role()];
      expect(roles.filter((r) => r === 'owner').length).toBeLessThanOrEqual(1);
      seen.add(roles.join(','));
      await sleep(50);
    }
    expect([a.role(), b.role()].filter((r) => r === 'owner')).toHaveLength(1);
    expect(lines.join('\n')).toMatch(/lost the database connection that holds the owner lock/);
  }, 30_000);
});
