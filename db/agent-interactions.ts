import type {
  InteractionFinish,
  InteractionRecorder,
  InteractionStart,
  RunningInteraction,
} from '../runner/agent/recorder.ts';
import type { Db } from './client.ts';
import { mapped } from './errors.ts';

/** One row of agent_interactions, as read back. */
export interface AgentInteraction {
  id: string;
  sessionId: string;
  runId: string | null;
  scenarioId: string | null;
  stepKey: string | null;
  phase: string | null;
  iteration: number | null;
  agent: string;
  promptTemplate: string;
  promptVersion: string;
  model: string | null;
  status: 'running' | 'finished';
  outcome: string | null;
  outcomeDetail: Record<string, unknown> | null;
  turns: number | null;
  inputTokens: number | null;
  outputTokens: number | null;
  cacheReadTokens: number | null;
  cacheCreationTokens: number | null;
  costUsd: number | null;
  durationMs: number | null;
  permissionDenials: Array<{ tool: string; path?: string }>;
  transcriptKey: string | null;
  transcriptBytes: number | null;
  transcriptTruncated: boolean;
  runnerId: string | null;
  pid: number | null;
  startedAt: Date;
  finishedAt: Date | null;
}

/** Reads one interaction by its session id, or null. */
export async function getInteraction(db: Db, sessionId: string): Promise<AgentInteraction | null> {
  const [row] = await db<AgentInteraction[]>`
    SELECT id, session_id AS "sessionId", run_id AS "runId", scenario_id AS "scenarioId", step_key AS "stepKey", phase,
           iteration, agent, prompt_template AS "promptTemplate", prompt_version AS "promptVersion", model, status, outcome,
           outcome_detail AS "outcomeDetail", turns, input_tokens AS "inputTokens", output_tokens AS "outputTokens",
           cache_read_tokens AS "cacheReadTokens", cache_creation_tokens AS "cacheCreationTokens", cost_usd AS "costUsd",
           duration_ms AS "durationMs", permission_denials AS "permissionDenials", transcript_key AS "transcriptKey",
           transcript_bytes AS "transcriptBytes", transcript_truncated AS "transcriptTruncated", runner_id AS "runnerId",
           pid, started_at AS "startedAt", finished_at AS "finishedAt"
      FROM agent_interactions WHERE session_id = ${sessionId}`;
  return row ?? null;
}

/** The Postgres InteractionRecorder: a row at start (status running), its pid, then the final facts. */
export function createDbInteractionRecorder(db: Db): InteractionRecorder {
  return {
    async start(r: InteractionStart) {
      await mapped(
        () => db`
        INSERT INTO agent_interactions
          (session_id, agent, prompt_template, prompt_version, model, run_id, scenario_id, step_key, phase, iteration, runner_id)
        VALUES (${r.sessionId}, ${r.agent}, ${r.promptTemplate}, ${r.promptVersion}, ${r.model ?? null}, ${r.runId ?? null},
                ${r.scenarioId ?? null}, ${r.stepKey ?? null}, ${r.phase ?? null}, ${r.iteration ?? null}, ${r.runnerId ?? null})`,
      );
    },
    async setPid(sessionId, pid) {
      await db`UPDATE agent_interactions SET pid = ${pid} WHERE session_id = ${sessionId}`;
    },
    async finish(sessionId, f: InteractionFinish) {
      await db`
        UPDATE agent_interactions SET
          status = 'finished', outcome = ${f.outcome}, outcome_detail = ${db.json(f.outcomeDetail as never)},
          model = coalesce(${f.model ?? null}, model), turns = ${f.turns},
          input_tokens = ${f.usage.inputTokens}, output_tokens = ${f.usage.outputTokens},
          cache_read_tokens = ${f.usage.cacheReadTokens}, cache_creation_tokens = ${f.usage.cacheCreationTokens},
          cost_usd = ${f.costUsd}, duration_ms = ${Math.round(f.durationMs)},
          permission_denials = ${db.json(f.permissionDenials as never)},
          transcript_key = ${f.transcriptKey ?? null}, transcript_bytes = ${f.transcriptBytes},
          transcript_truncated = ${f.transcriptTruncated}, finished_at = now()
        WHERE session_id = ${sessionId}`;
    },
    async listRunning(runnerId): Promise<RunningInteraction[]> {
      return db<RunningInteraction[]>`
        SELECT session_id AS "sessionId", pid, runner_id AS "runnerId"
          FROM agent_interactions WHERE status = 'running' AND runner_id = ${runnerId} ORDER BY started_at`;
    },
    async markCrashed(sessionId, message) {
      await db`
        UPDATE agent_interactions SET status = 'finished', outcome = 'crashed',
               outcome_detail = ${db.json({ message, retryable: true } as never)}, finished_at = now()
         WHERE session_id = ${sessionId} AND status = 'running'`;
    },
  };
}

/**
 * Records that a session the CLI called a success did not do its job (its writes were all
 * refused, or it changed nothing it was asked to change): the pipeline's verdict replaces the
 * CLI's, keeping the CLI's word in the detail.
 */
export async function reclassifyInteraction(
  db: Db,
  sessionId: string,
  outcome: string,
  message: string,
): Promise<void> {
  await db`
    UPDATE agent_interactions SET outcome = ${outcome},
           outcome_detail = outcome_detail || ${db.json({ message, cliOutcome: 'success' } as never)}
     WHERE session_id = ${sessionId}`;
}
