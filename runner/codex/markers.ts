/**
 * How a Codex session's processes are recognised in the process table: the adapter puts this
 * variable into the CLI's environment, and every command it runs inherits it (Codex's default
 * shell environment policy passes everything but names containing KEY, SECRET or TOKEN).
 */
export const CODEX_SESSION_ENV = 'SCENARIO_GEN_AGENT_SESSION';

/** The `NAME=value` environment entry every process of the session carries. */
export function codexSessionMarker(sessionId: string): string {
  return `${CODEX_SESSION_ENV}=${sessionId}`;
}
