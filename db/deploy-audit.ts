import { audit } from './audit.ts';
import type { Db } from './client.ts';

/**
 * The audit row of one deploy attempt. The pipeline deploys on behalf of whoever started the run,
 * so the row's actor is `pipeline` and `startedBy` names that person or token. A failure records
 * its error code, not its message (command output may quote anything).
 */
export async function auditDeploy(
  db: Db,
  e: { runId: string; target: string; location?: string; outcome: 'ok' | 'failed'; code?: string },
): Promise<void> {
  const [run] = await db<{ startedBy: string }[]>`
    SELECT created_by AS "startedBy" FROM runs WHERE id = ${e.runId}`;
  await audit(db, {
    actor: 'pipeline',
    action: 'deploy',
    targetType: 'run',
    targetId: e.runId,
    outcome: e.outcome,
    details: {
      target: e.target,
      startedBy: run?.startedBy ?? null,
      ...(e.location ? { location: e.location } : {}),
      ...(e.code ? { code: e.code } : {}),
    },
  });
}
