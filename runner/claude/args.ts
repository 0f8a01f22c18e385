import { InvalidInputError } from '../../core/errors.ts';
import { MODEL_NAME_RE } from '../../core/model-name.ts';
import type { AgentSessionRequest } from '../agent/port.ts';

/**
 * The argv of one headless Claude Code session. The prompt goes on stdin (`-p` without a
 * positional prompt), so nothing user-written can be mistaken for a flag; free-text values use
 * the `--flag=value` form for the same reason. `bypassPermissions` is never used: as root it
 * refuses to start, and with IS_SANDBOX=1 it writes anywhere. Bash is available only when an
 * explicit rule such as `Bash(npm test:*)` allows it.
 */

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** The one rule for model names; the API checks the same one at the edge. */
const MODEL_RE = MODEL_NAME_RE;
/** A tool name, optionally with a rule in parentheses: `Write`, `Bash(npm test:*)`, `mcp__x__y`. */
const RULE_RE = /^[A-Za-z][A-Za-z0-9_]*(\([^()\n]{1,200}\))?$/;

/**
 * Tools that write files. A bare name in `--allowedTools` pre-approves every write anywhere, which
 * switches off acceptEdits' rule that writes stay in the working directory (measured, 2.1.331).
 */
const WRITE_TOOLS = new Set(['Write', 'Edit', 'MultiEdit', 'NotebookEdit']);
/** A path scope inside the working directory: `./…` with no `..` segment. */
const insideScope = (scope: string): boolean =>
  scope.startsWith('./') && !scope.split(/[\\/]/).includes('..');

function checkRules(field: string, rules: string[] | undefined): string[] {
  const issues: string[] = [];
  for (const r of rules ?? []) {
    if (!RULE_RE.test(r)) {
      issues.push(`${field}: not a tool rule: ${JSON.stringify(r).slice(0, 80)}`);
      continue;
    }
    if (field !== 'allowedTools') continue;
    if (r === 'Bash')
      issues.push(
        'allowedTools: Bash is only allowed through explicit rules such as Bash(npm test:*)',
      );
    const tool = r.replace(/\(.*$/, '');
    const scope = /\((.*)\)$/.exec(r)?.[1];
    if (WRITE_TOOLS.has(tool) && (scope === undefined || !insideScope(scope)))
      issues.push(
        `allowedTools: ${tool} may only be pre-approved for paths inside the workspace, such as ${tool}(./src/**); writes inside the workspace need no rule`,
      );
  }
  return issues;
}

/** Validates the request's agent options and returns the CLI arguments (without the binary). */
export function buildClaudeArgs(req: AgentSessionRequest): string[] {
  const issues: string[] = [];
  if (!UUID_RE.test(req.sessionId)) issues.push('sessionId: must be a uuid');
  if (req.model !== undefined && !MODEL_RE.test(req.model)) issues.push('model: not a model name');
  if (req.maxTurns !== undefined && !(Number.isInteger(req.maxTurns) && req.maxTurns >= 1))
    issues.push('maxTurns: must be a positive integer');
  if (
    req.maxBudgetUsd !== undefined &&
    !(Number.isFinite(req.maxBudgetUsd) && req.maxBudgetUsd > 0)
  )
    issues.push('maxBudgetUsd: must be positive');
  issues.push(
    ...checkRules('allowedTools', req.allowedTools),
    ...checkRules('disallowedTools', req.disallowedTools),
  );
  if (issues.length > 0) {
    throw new InvalidInputError(
      issues.map((m) => ({ field: m.split(':')[0] ?? 'request', message: m })),
      `Invalid agent session request: ${issues.join('; ')}`,
    );
  }

  const args = [
    '-p',
    '--output-format',
    'stream-json',
    '--verbose',
    '--session-id',
    req.sessionId,
    '--permission-mode',
    'acceptEdits',
  ];
  if (req.model !== undefined) args.push('--model', req.model);
  if (req.maxTurns !== undefined) args.push('--max-turns', String(req.maxTurns));
  if (req.maxBudgetUsd !== undefined) args.push('--max-budget-usd', String(req.maxBudgetUsd));
  if (req.appendSystemPrompt !== undefined)
    args.push(`--append-system-prompt=${req.appendSystemPrompt}`);
  if (req.jsonSchema !== undefined) args.push(`--json-schema=${JSON.stringify(req.jsonSchema)}`);
  // Without an explicit Bash rule the tool is removed: in acceptEdits mode the CLI would
  // otherwise approve read-only and in-workspace shell commands by itself (measured, 2.1.331).
  const disallowed = [...(req.disallowedTools ?? [])];
  const bashRules = (req.allowedTools ?? []).some((r) => r.startsWith('Bash('));
  if (!bashRules && !disallowed.includes('Bash')) disallowed.push('Bash');
  // Tool lists are variadic; they go last so they cannot swallow a following value.
  if (disallowed.length > 0) args.push('--disallowedTools', ...disallowed);
  if (req.allowedTools?.length) args.push('--allowedTools', ...req.allowedTools);
  return args;
}
