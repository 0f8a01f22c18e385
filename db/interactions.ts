import type { AgentInteraction } from './agent-interactions.ts';
import type { Db } from './client.ts';

/** A run's agent sessions, oldest first (what the scenario page's interactions table shows). */
export async function listInteractions(
  db: Db,
  runId: string,
): Promise<Omit<AgentInteraction, 'pid' | 'runnerId'>[]> {
  return db`
    SELECT id, session_id AS "sessionId", run_id AS "runId", scenario_id AS "scenarioId", step_key AS "stepKey", phase, iteration,
           agent, prompt_template AS "promptTemplate", prompt_version AS "promptVersion", model, status, outcome,
           outcome_detail AS "outcomeDetail", turns, input_tokens AS "inputTokens", output_tokens AS "outputTokens",
           cache_read_tokens AS "cacheReadTokens", cache_creation_tokens AS "cacheCreationTokens", cost_usd AS "costUsd",
           duration_ms AS "durationMs", permission_denials AS "permissionDenials", transcript_key AS "transcriptKey",
           transcript_bytes AS "transcriptBytes", transcript_truncated AS "transcriptTruncated", started_at AS "startedAt",
           finished_at AS "finishedAt"
      FROM agent_interactions WHERE run_id = ${runId} ORDER BY started_at, id`;
}
