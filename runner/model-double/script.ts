/**
 * Scripts for the model double: what the fake model answers at each position of a
 * conversation. A script is a list of turns (position = number of assistant messages already in
 * the request) or a function of the request for dynamic behaviour.
 */

/** Usage the double reports for a turn; the CLI computes cost from it. */
export interface TurnUsage {
  inputTokens?: number;
  outputTokens?: number;
  cacheReadTokens?: number;
  cacheCreationTokens?: number;
}

export type Turn =
  | { type: 'text'; text: string; usage?: TurnUsage }
  /** A tool call; `text` is sent as a text block before it. Relative file paths resolve against the session's cwd. */
  | {
      type: 'tool_use';
      name: string;
      input: Record<string, unknown>;
      text?: string;
      usage?: TurnUsage;
    }
  /** An HTTP error answer (401, 429, 500, 529…), with optional extra headers. */
  | {
      type: 'http_error';
      status: number;
      errorType?: string;
      message?: string;
      headers?: Record<string, string>;
    }
  /** Starts the SSE stream, then holds it open without another byte until the double closes. */
  | { type: 'stall' }
  /** Sends an SSE event whose data is not JSON, then ends the stream. */
  | { type: 'malformed' };

/** A tool result the CLI sent back in the request's last user message. */
export interface ToolResultInfo {
  toolUseId: string;
  isError: boolean;
  content: string;
}

/** What a dynamic script sees of one request. */
export interface TurnContext {
  scriptId: string;
  /** Assistant messages already in the conversation (0 for the first call). */
  position: number;
  /** The user's prompt (first user message, system reminders left out). */
  prompt: string;
  /** The session's working directory as the CLI announced it, when found. */
  cwd?: string;
  model: string;
  toolNames: string[];
  /** input_schema of the StructuredOutput tool when the CLI offered one (`--json-schema`). */
  structuredSchema?: Record<string, unknown>;
  /** Tool results in the last user message. */
  lastToolResults: ToolResultInfo[];
  /** Text blocks of the last user message (e.g. the CLI's structured-output reminder). */
  lastUserText: string;
}

export type ScriptFn = (ctx: TurnContext) => Turn;
export type Script = readonly Turn[] | ScriptFn;

/** Answer text when a list script has no turn left. */
export const SCRIPT_FINISHED_TEXT = 'Script finished.';

/** Picks the turn for a request. */
export function turnFor(script: Script, ctx: TurnContext): Turn {
  if (typeof script === 'function') return script(ctx);
  const list = script as readonly Turn[];
  return list[ctx.position] ?? { type: 'text', text: SCRIPT_FINISHED_TEXT };
}

export const text = (t: string, usage?: TurnUsage): Turn => ({
  type: 'text',
  text: t,
  ...(usage ? { usage } : {}),
});

export const toolUse = (name: string, input: Record<string, unknown>, usage?: TurnUsage): Turn => ({
  type: 'tool_use',
  name,
  input,
  ...(usage ? { usage } : {}),
});

export const write = (filePath: string, content: string): Turn =>
  toolUse('Write', { file_path: filePath, content });

export const edit = (filePath: string, oldString: string, newString: string): Turn =>
  toolUse('Edit', { file_path: filePath, old_string: oldString, new_string: newString });

export const read = (filePath: string): Turn => toolUse('Read', { file_path: filePath });

export const bash = (command: string, description = 'run a command'): Turn =>
  toolUse('Bash', { command, description });

export const structured = (input: Record<string, unknown>): Turn =>
  toolUse('StructuredOutput', input);

export const httpError = (status: number, headers?: Record<string, string>): Turn => ({
  type: 'http_error',
  status,
  ...(headers ? { headers } : {}),
});

export const stall = (): Turn => ({ type: 'stall' });

export const malformed = (): Turn => ({ type: 'malformed' });

/** A tool loop that never ends: the model reads the same file forever. */
export function toolLoop(filePath = 'loop.txt', usage?: TurnUsage): ScriptFn {
  return () => toolUse('Read', { file_path: filePath }, usage);
}
