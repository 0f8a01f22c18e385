/**
 * Plain words for what the agent is doing. The pipeline records an action as the tool's name and
 * a summary of its input ("StructuredOutput fields: score, notes", "Bash npm test"); a person
 * reads "Handed in its answer (score, notes)", "Running npm test".
 */
const VERB: Record<string, string> = {
  Write: 'Writing',
  Edit: 'Editing',
  MultiEdit: 'Editing',
  NotebookEdit: 'Editing',
  Read: 'Reading',
  Bash: 'Running',
  exec_command: 'Running',
  Glob: 'Looking for files',
  Grep: 'Searching for',
  LS: 'Listing',
  WebFetch: 'Fetching',
  WebSearch: 'Searching the web for',
  web_search: 'Searching the web for',
  apply_patch: 'Changing',
  mcp: 'Using',
};

/** A recorded action ("Tool summary") in plain words; anything unrecognised is left as it is. */
export function plainAction(action: string): string {
  const m = /^(\S+)\s*([\s\S]*)$/.exec(action.trim());
  if (!m) return action;
  const [, tool, rest] = m as unknown as [string, string, string];
  if (tool === 'StructuredOutput') {
    const fields = rest.replace(/^fields:\s*/, '').trim();
    return fields ? `Handed in its answer (${fields})` : 'Handed in its answer';
  }
  if (tool === 'TodoWrite') return 'Updating its to-do list';
  if (tool === 'Task') return 'Handing a task to a helper';
  const verb = VERB[tool];
  if (!verb) return action;
  return rest ? `${verb} ${rest}` : verb;
}
