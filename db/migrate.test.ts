import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../test/support/db.ts';
import { migrate, pendingMigrations } from './migrate.ts';

describe('migrations', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await createTestDb({ migrate: false });
  });
  afterAll(() => db.drop());

  it('apply once, record themselves, and are idempotent', async () => {
    expect(await pendingMigrations(db.sql)).toContain('001_init');
    const first = await migrate(db.sql);
    expect(first).toContain('001_init');
    expect(await migrate(db.sql)).toEqual([]);
    expect(await pendingMigrations(db.sql)).toEqual([]);
    const tables = await db.sql<{ table_name: string }[]>`
      SELECT table_name FROM information_schema.tables WHERE table_schema = ${db.schema} ORDER BY 1`;
    expect(tables.map((t) => t.table_name)).toEqual(
      expect.arrayContaining([
        'campaigns',
        'scenarios',
        'runs',
        'run_steps',
        'generation_logs',
        'agent_interactions',
        'plan_versions',
        'artifacts',
        'validation_results',
        'improvement_patterns',
        'suggestions',
        'audit_log',
        'settings',
      ]),
    );
  });

  it('refuses a migration that changed after it was applied', async () => {
    await expect(
      migrate(db.sql, [{ version: 1, name: '001_init', sql: 'select 1', checksum: 'different' }]),
    ).rejects.toThrow(/changed after it was applied/);
  });
});
