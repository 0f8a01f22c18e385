import type { Db } from './client.ts';

/**
 * Webhook delivery ids, claimed before anything is started so that a replay is refused even
 * while the first delivery is still in flight.
 */

/** Claims a delivery id; false when it was used before. */
export async function claimDelivery(db: Db, id: string): Promise<boolean> {
  const rows =
    await db`INSERT INTO webhook_deliveries (id) VALUES (${id}) ON CONFLICT (id) DO NOTHING RETURNING id`;
  return rows.length > 0;
}

/** Records what a delivery started. */
export async function recordDelivery(
  db: Db,
  id: string,
  started: { scenarioId: string; runId: string },
): Promise<void> {
  await db`UPDATE webhook_deliveries SET scenario_id = ${started.scenarioId}, run_id = ${started.runId} WHERE id = ${id}`;
}

/** Releases a claim that started nothing, so the sender may retry with the same id. */
export async function releaseDelivery(db: Db, id: string): Promise<void> {
  await db`DELETE FROM webhook_deliveries WHERE id = ${id} AND run_id IS NULL`;
}
