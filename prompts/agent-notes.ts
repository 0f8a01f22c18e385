import type { AgentName } from '../core/domain.ts';

/**
 * The prompts are shared by every agent; where their tools differ, a short note is appended for
 * the agent that needs it. Claude Code needs none: the templates speak of its tools.
 */
const NOTES: Partial<Record<AgentName, string>> = {
  codex: `## Notes for your tools

- Create and change files with \`apply_patch\`; paths are relative to the working directory,
  which is the scenario's root. Do not write outside it.
- Give structured answers as the final message, in the JSON shape you were asked for.`,
};

/** The note for `agent`, or undefined when the shared prompt fits it as it is. */
export function agentNote(agent: AgentName): string | undefined {
  return NOTES[agent];
}
