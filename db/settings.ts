import type { BudgetOverrides } from '../core/budget.ts';
import type { ServerDefaults } from '../core/server-defaults.ts';
import { audit } from './audit.ts';
import type { Db, Sql } from './client.ts';

/** Key/value settings stored as JSON (e.g. `budgets`, `defaults`). */
export async function getSetting<T>(db: Db, key: string): Promise<T | undefined> {
  const [row] = await db<{ value: T }[]>`SELECT value FROM settings WHERE key = ${key}`;
  return row?.value;
}

export async function putSetting(
  sql: Sql,
  key: string,
  value: unknown,
  actor: string,
): Promise<void> {
  await sql.begin(async (tx) => {
    await tx`
      INSERT INTO settings (key, value, updated_by) VALUES (${key}, ${tx.json(value as never)}, ${actor})
      ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_by = EXCLUDED.updated_by, updated_at = now()`;
    await audit(tx, {
      actor,
      action: 'settings.update',
      targetType: 'settings',
      targetId: key,
      details: { value },
    });
  });
}

/** The settings' session-budget overrides per complexity (partial; empty when never set). */
export async function budgetOverrides(db: Db): Promise<BudgetOverrides> {
  return (await getSetting<BudgetOverrides>(db, 'budgets')) ?? {};
}

/** The defaults changed from the settings page (empty when never set). */
export async function serverDefaults(db: Db): Promise<ServerDefaults> {
  return (await getSetting<ServerDefaults>(db, 'defaults')) ?? {};
}
