/**
 * How a Claude Code session's processes can be recognised in the process table: the CLI puts
 * the session id into the environment of every process it starts (and `--session-id` on its own
 * command line).
 */
export const SESSION_ENV = 'CLAUDE_CODE_SESSION_ID';

/** The `NAME=value` environment entry every process of the session carries. */
export function sessionEnvMarker(sessionId: string): string {
  return `${SESSION_ENV}=${sessionId}`;
}
