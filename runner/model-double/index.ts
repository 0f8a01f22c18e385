/**
 * The model double: a scripted stand-in for the Anthropic Messages API that the real Claude Code
 * CLI runs against (tests, benchmarks and the embedded demo). See server.ts and script.ts.
 */
export {
  startModelDouble,
  type ModelDouble,
  type ModelDoubleOptions,
  type RecordedRequest,
  type RequestKind,
} from './server.ts';
export {
  bash,
  edit,
  httpError,
  malformed,
  read,
  SCRIPT_FINISHED_TEXT,
  stall,
  structured,
  text,
  toolLoop,
  toolUse,
  turnFor,
  write,
  type Script,
  type ScriptFn,
  type ToolResultInfo,
  type Turn,
  type TurnContext,
  type TurnUsage,
} from './script.ts';
