import { NotFoundError } from '../core/errors.ts';
import type { Db } from './client.ts';

export interface Artifact {
  id: string;
  runId: string;
  scenarioId: string;
  phase: string;
  iteration: number;
  kind: 'bundle' | 'archive';
  objectKey: string;
  manifest: Array<{ path: string; size: number; mode: number; sha256: string }>;
  fileCount: number;
  totalBytes: number;
  sha256: string | null;
  createdAt: Date;
}

const COLS = (
  db: Db,
) => db`id, run_id AS "runId", scenario_id AS "scenarioId", phase, iteration, kind, object_key AS "objectKey",
  manifest, file_count AS "fileCount", total_bytes AS "totalBytes", sha256, created_at AS "createdAt"`;

/** Records a bundle or archive; a replayed step overwrites its own row. Returns the id. */
export async function saveArtifact(db: Db, a: Omit<Artifact, 'id' | 'createdAt'>): Promise<string> {
  const [row] = await db<{ id: string }[]>`
    INSERT INTO artifacts (run_id, scenario_id, phase, iteration, kind, object_key, manifest, file_count, total_bytes, sha256)
    VALUES (${a.runId}, ${a.scenarioId}, ${a.phase}, ${a.iteration}, ${a.kind}, ${a.objectKey}, ${db.json(a.manifest as never)},
            ${a.fileCount}, ${a.totalBytes}, ${a.sha256})
    ON CONFLICT (run_id, phase, iteration, kind) DO UPDATE SET object_key = EXCLUDED.object_key, manifest = EXCLUDED.manifest,
      file_count = EXCLUDED.file_count, total_bytes = EXCLUDED.total_bytes, sha256 = EXCLUDED.sha256
    RETURNING id`;
  return row!.id;
}

export async function getArtifact(db: Db, id: string): Promise<Artifact> {
  const [row] = await db<Artifact[]>`SELECT ${COLS(db)} FROM artifacts WHERE id = ${id}`;
  if (!row) throw new NotFoundError('Artifact', id);
  return row;
}

export async function listArtifacts(
  db: Db,
  opts: { runId?: string; scenarioId?: string; kind?: 'bundle' | 'archive' },
): Promise<Artifact[]> {
  return db<Artifact[]>`
    SELECT ${COLS(db)} FROM artifacts
     WHERE ${opts.runId ? db`run_id = ${opts.runId}` : db`true`}
       AND ${opts.scenarioId ? db`scenario_id = ${opts.scenarioId}` : db`true`}
       AND ${opts.kind ? db`kind = ${opts.kind}` : db`true`}
     ORDER BY created_at, iteration`;
}
