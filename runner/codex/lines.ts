import * as v from 'valibot';

/**
 * Schemas for the lines of `codex exec --json` (measured with Codex CLI 0.171.0) and of the
 * session's rollout file under CODEX_HOME/sessions. Each checks only the fields this project
 * uses; unknown fields and unknown line types are tolerated.
 *
 * The exec stream carries errors as message text only; the rollout file carries the same
 * errors with a structured `codex_error_info`, per-response token counts and the rate-limit
 * reset time, so outcomes are decided from the rollout.
 */
const optStr = v.nullish(v.string());
const optNum = v.nullish(v.number());

export const ThreadStarted = v.looseObject({
  type: v.literal('thread.started'),
  thread_id: v.string(),
});

export const ExecUsage = v.looseObject({
  input_tokens: optNum,
  cached_input_tokens: optNum,
  output_tokens: optNum,
  reasoning_output_tokens: optNum,
});

export const TurnCompleted = v.looseObject({
  type: v.literal('turn.completed'),
  usage: v.nullish(ExecUsage),
});

export const TurnFailed = v.looseObject({
  type: v.literal('turn.failed'),
  error: v.nullish(v.looseObject({ message: optStr })),
});

export const ErrorLine = v.looseObject({ type: v.literal('error'), message: optStr });

export const Item = v.looseObject({
  id: v.string(),
  type: v.string(),
  text: optStr,
  command: optStr,
  aggregated_output: optStr,
  exit_code: optNum,
  status: optStr,
  message: optStr,
  server: optStr,
  tool: optStr,
  query: optStr,
  changes: v.nullish(v.array(v.looseObject({ path: v.string(), kind: optStr }))),
});
export type Item = v.InferOutput<typeof Item>;

export const ItemLine = v.looseObject({
  type: v.picklist(['item.started', 'item.updated', 'item.completed']),
  item: Item,
});

/** The schema to check an exec line against, by its `type`. */
export function execSchemaFor(type: unknown): v.GenericSchema | undefined {
  switch (type) {
    case 'thread.started':
      return ThreadStarted;
    case 'turn.completed':
      return TurnCompleted;
    case 'turn.failed':
      return TurnFailed;
    case 'error':
      return ErrorLine;
    case 'item.started':
    case 'item.updated':
    case 'item.completed':
      return ItemLine;
    default:
      return undefined;
  }
}

// The rollout file: one `{type, payload}` object a line.

export const TokenUsage = v.looseObject({
  input_tokens: optNum,
  cached_input_tokens: optNum,
  output_tokens: optNum,
  reasoning_output_tokens: optNum,
});

const Window = v.nullish(v.looseObject({ used_percent: optNum, resets_at: optNum }));

export const TokenCount = v.looseObject({
  type: v.literal('token_count'),
  info: v.nullish(v.looseObject({ total_token_usage: v.nullish(TokenUsage) })),
  rate_limits: v.nullish(v.looseObject({ primary: Window, secondary: Window })),
});

/** `codex_error_info`: a bare variant name, or `{variant: {http_status_code}}`. */
export const ErrorInfo = v.union([
  v.string(),
  v.record(v.string(), v.nullish(v.looseObject({ http_status_code: optNum }))),
]);
export type ErrorInfo = v.InferOutput<typeof ErrorInfo>;

export const RolloutError = v.looseObject({
  message: optStr,
  codex_error_info: v.nullish(ErrorInfo),
});

export const TaskComplete = v.looseObject({
  type: v.literal('task_complete'),
  last_agent_message: optStr,
  error: v.nullish(RolloutError),
});

export const SessionMeta = v.looseObject({ id: optStr, cli_version: optStr, cwd: optStr });
