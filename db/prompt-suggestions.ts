import { ConflictError, NotFoundError } from '../core/errors.ts';
import { audit, type Actor } from './audit.ts';
import type { Db } from './client.ts';

/**
 * Suggested prompt changes: proposed by a plan-only agent session for a recurring problem, kept
 * pending until an administrator approves (a new template version) or rejects them.
 */
export type SuggestionStatus = 'proposing' | 'pending' | 'approved' | 'rejected' | 'failed';

export interface PromptSuggestion {
  id: string;
  fingerprint: string;
  signature: string;
  template: string;
  baseVersion: string;
  section: string;
  proposedBody: string | null;
  rationale: string;
  status: SuggestionStatus;
  error: string | null;
  sessionId: string | null;
  version: string | null;
  createdBy: string;
  createdAt: Date;
  decidedBy: string | null;
  decidedAt: Date | null;
}

const select = (db: Db) => db`
  SELECT id, fingerprint, signature, template, base_version AS "baseVersion", section,
         proposed_body AS "proposedBody", rationale, status, error, session_id AS "sessionId",
         version, created_by AS "createdBy", created_at AS "createdAt", decided_by AS "decidedBy",
         decided_at AS "decidedAt"
    FROM prompt_suggestions`;

/** A new suggestion, `proposing` while its session runs. */
export async function createSuggestion(
  db: Db,
  s: { fingerprint: string; signature: string; template: string; baseVersion: string },
  actor: Actor,
): Promise<PromptSuggestion> {
  const [row] = await db<{ id: string }[]>`
    INSERT INTO prompt_suggestions (fingerprint, signature, template, base_version, created_by)
    VALUES (${s.fingerprint}, ${s.signature}, ${s.template}, ${s.baseVersion}, ${actor})
    RETURNING id`;
  await audit(db, {
    actor,
    action: 'suggestion.request',
    targetType: 'suggestion',
    targetId: row!.id,
    details: { fingerprint: s.fingerprint, template: s.template },
  });
  return getSuggestion(db, row!.id);
}

/** The session's answer: pending for a person, or failed with why. */
export async function finishSuggestion(
  db: Db,
  id: string,
  r:
    | { ok: true; section: string; proposedBody: string; rationale: string; sessionId: string }
    | { ok: false; error: string; sessionId?: string },
): Promise<void> {
  if (r.ok)
    await db`
      UPDATE prompt_suggestions SET status = 'pending', section = ${r.section},
             proposed_body = ${r.proposedBody}, rationale = ${r.rationale}, session_id = ${r.sessionId}
       WHERE id = ${id} AND status = 'proposing'`;
  else
    await db`
      UPDATE prompt_suggestions SET status = 'failed', error = ${r.error.slice(0, 2000)},
             session_id = ${r.sessionId ?? null}
       WHERE id = ${id} AND status = 'proposing'`;
}

export async function getSuggestion(db: Db, id: string): Promise<PromptSuggestion> {
  const [row] = await db<PromptSuggestion[]>`${select(db)} WHERE id = ${id}`;
  if (!row) throw new NotFoundError('Suggestion', id);
  return row;
}

/** Newest first. */
export async function listSuggestions(db: Db, limit = 100): Promise<PromptSuggestion[]> {
  return db<PromptSuggestion[]>`${select(db)} ORDER BY created_at DESC, id LIMIT ${limit}`;
}

/** Marks a pending suggestion decided (locks it: a second decision is a conflict). */
export async function decideSuggestion(
  db: Db,
  id: string,
  decision: { status: 'approved'; version: string } | { status: 'rejected' },
  actor: Actor,
): Promise<void> {
  const version = decision.status === 'approved' ? decision.version : null;
  const rows = await db`
    UPDATE prompt_suggestions SET status = ${decision.status}, version = ${version},
           decided_by = ${actor}, decided_at = now()
     WHERE id = ${id} AND status = 'pending' RETURNING id`;
  if (rows.length === 0) {
    const s = await getSuggestion(db, id);
    throw new ConflictError(`The suggestion is ${s.status}; only a pending one can be decided.`);
  }
  await audit(db, {
    actor,
    action: `suggestion.${decision.status === 'approved' ? 'approve' : 'reject'}`,
    targetType: 'suggestion',
    targetId: id,
    details: version ? { version } : {},
  });
}

/** What a suggestion session is told about a recurring problem. */
export interface ProblemBrief {
  fingerprint: string;
  signature: string;
  stage: string | null;
  runsAffected: number;
  examples: Array<{ message: string; file?: string | null }>;
}

/** The recurring problem with this fingerprint. */
export async function problemBrief(db: Db, fingerprint: string): Promise<ProblemBrief> {
  const [row] = await db<ProblemBrief[]>`
    SELECT fingerprint, signature, stage, occurrences AS "runsAffected", examples
      FROM improvement_patterns WHERE fingerprint = ${fingerprint}`;
  if (!row) throw new NotFoundError('Recurring problem', fingerprint);
  return row;
}
