import * as v from 'valibot';

/**
 * Schemas for the lines of `claude -p --output-format stream-json --verbose`. Each checks only
 * the fields this project uses; unknown fields and unknown line types are tolerated (the CLI
 * adds both often).
 */

const num = v.number();
const optNum = v.nullish(num);
const optStr = v.nullish(v.string());

export const InitLine = v.looseObject({
  type: v.literal('system'),
  subtype: v.literal('init'),
  session_id: v.string(),
  model: optStr,
  cwd: optStr,
  tools: v.nullish(v.array(v.string())),
  claude_code_version: optStr,
});

export const ApiRetryLine = v.looseObject({
  type: v.literal('system'),
  subtype: v.literal('api_retry'),
  attempt: num,
  max_retries: num,
  retry_delay_ms: num,
  error_status: optNum,
  error: optStr,
});

export const PermissionDeniedLine = v.looseObject({
  type: v.literal('system'),
  subtype: v.literal('permission_denied'),
  tool_name: v.string(),
  tool_use_id: optStr,
});

export const TextBlock = v.looseObject({ type: v.literal('text'), text: v.string() });
export const ToolUseBlock = v.looseObject({
  type: v.literal('tool_use'),
  id: v.string(),
  name: v.string(),
  input: v.optional(v.unknown()),
});
export const ToolResultBlock = v.looseObject({
  type: v.literal('tool_result'),
  tool_use_id: v.string(),
  content: v.optional(v.unknown()),
  is_error: v.nullish(v.boolean()),
});
const AnyBlock = v.looseObject({ type: v.string() });

export const AssistantLine = v.looseObject({
  type: v.literal('assistant'),
  message: v.looseObject({ model: optStr, content: v.array(AnyBlock) }),
  /** Set on synthetic error messages, e.g. `authentication_failed`, `rate_limit`, `server_error`. */
  error: optStr,
  is_api_error_message: v.nullish(v.boolean()),
  api_error_status: optNum,
});

export const UserLine = v.looseObject({
  type: v.literal('user'),
  message: v.looseObject({ content: v.union([v.string(), v.array(AnyBlock)]) }),
});

export const RateLimitLine = v.looseObject({
  type: v.literal('rate_limit_event'),
  rate_limit_info: v.looseObject({
    status: v.string(),
    resetsAt: v.nullish(v.union([num, v.string()])),
    rateLimitType: optStr,
  }),
});

const Usage = v.looseObject({
  input_tokens: optNum,
  output_tokens: optNum,
  cache_read_input_tokens: optNum,
  cache_creation_input_tokens: optNum,
});

export const Denial = v.looseObject({
  tool_name: v.string(),
  tool_use_id: optStr,
  tool_input: v.nullish(v.record(v.string(), v.unknown())),
});

export const ResultLine = v.looseObject({
  type: v.literal('result'),
  subtype: v.string(),
  is_error: v.boolean(),
  session_id: optStr,
  duration_ms: optNum,
  num_turns: optNum,
  total_cost_usd: optNum,
  usage: v.nullish(Usage),
  modelUsage: v.nullish(v.record(v.string(), v.unknown())),
  terminal_reason: optStr,
  result: optStr,
  errors: v.nullish(v.array(v.unknown())),
  structured_output: v.optional(v.unknown()),
  permission_denials: v.nullish(v.array(Denial)),
  api_error_status: optNum,
  api_error_type: optStr,
});

export type InitLine = v.InferOutput<typeof InitLine>;
export type AssistantLine = v.InferOutput<typeof AssistantLine>;
export type ResultLine = v.InferOutput<typeof ResultLine>;
export type RateLimitLine = v.InferOutput<typeof RateLimitLine>;

/** The schema to check a line against, by its `type` (and `subtype` for system lines). */
export function schemaFor(type: unknown, subtype: unknown): v.GenericSchema | undefined {
  switch (type) {
    case 'assistant':
      return AssistantLine;
    case 'user':
      return UserLine;
    case 'result':
      return ResultLine;
    case 'rate_limit_event':
      return RateLimitLine;
    case 'system':
      if (subtype === 'init') return InitLine;
      if (subtype === 'api_retry') return ApiRetryLine;
      if (subtype === 'permission_denied') return PermissionDeniedLine;
      return undefined;
    default:
      return undefined;
  }
}
