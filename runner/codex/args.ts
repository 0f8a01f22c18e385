import { InvalidInputError } from '../../core/errors.ts';
import { MODEL_NAME_RE } from '../../core/model-name.ts';
import type { AgentSessionRequest } from '../agent/port.ts';

/**
 * The argv of one headless Codex CLI session (flags read from `codex exec --help`, 0.171.0).
 * The prompt goes on stdin (`-`). Writes are confined by Codex's own sandbox in
 * `workspace-write` mode, with /tmp and $TMPDIR taken out of its writable roots and no network;
 * approvals are `never` (a refused action fails back to the model). The "danger" modes are never
 * used. `-c` values are TOML; strings are written as JSON strings, which TOML reads the same.
 */
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The model provider the adapter defines when the session has an API key or a base URL. */
export const PROVIDER_ID = 'scenario-gen';

export interface CodexArgOptions {
  /** Where the JSON Schema of a structured answer was written (with `jsonSchema`). */
  schemaFile?: string;
  /** Request and stream retries of the provider (the CLI's defaults: 4 and 5). */
  maxRetries?: number;
}

const toml = (s: string): string => JSON.stringify(s);

/** Validates the request's agent options and returns the CLI arguments (without the binary). */
export function buildCodexArgs(req: AgentSessionRequest, o: CodexArgOptions = {}): string[] {
  const issues: string[] = [];
  if (!UUID_RE.test(req.sessionId)) issues.push('sessionId: must be a uuid');
  if (req.model !== undefined && !MODEL_NAME_RE.test(req.model))
    issues.push('model: not a model name');
  if (req.maxTurns !== undefined && !(Number.isInteger(req.maxTurns) && req.maxTurns >= 1))
    issues.push('maxTurns: must be a positive integer');
  if (
    req.maxBudgetUsd !== undefined &&
    !(Number.isFinite(req.maxBudgetUsd) && req.maxBudgetUsd > 0)
  )
    issues.push('maxBudgetUsd: must be positive');
  if (req.jsonSchema !== undefined && !o.schemaFile) issues.push('jsonSchema: no schema file');
  if (issues.length > 0)
    throw new InvalidInputError(
      issues.map((m) => ({ field: m.split(':')[0] ?? 'request', message: m })),
      `Invalid agent session request: ${issues.join('; ')}`,
    );

  const args = [
    'exec',
    '--json',
    '--skip-git-repo-check',
    '--cd',
    req.workspace,
    '--sandbox',
    'workspace-write',
    '-c',
    'approval_policy="never"',
    '-c',
    'sandbox_workspace_write.network_access=false',
    '-c',
    'sandbox_workspace_write.exclude_slash_tmp=true',
    '-c',
    'sandbox_workspace_write.exclude_tmpdir_env_var=true',
    '-c',
    'web_search="disabled"',
    // Commands the model runs would otherwise see the API key (measured, 0.171.0).
    '-c',
    'shell_environment_policy.exclude=["*KEY*","*SECRET*","*TOKEN*","*PASSWORD*"]',
    '--disable',
    'multi_agent',
  ];
  const env = req.env;
  if (env.OPENAI_API_KEY !== undefined || env.OPENAI_BASE_URL !== undefined) {
    // The built-in provider ignores OPENAI_API_KEY in exec mode (measured, 0.171.0); a provider
    // of our own reads it, and OPENAI_BASE_URL (which the CLI itself does not honour).
    const p = `model_providers.${PROVIDER_ID}`;
    args.push('-c', `model_provider=${toml(PROVIDER_ID)}`);
    args.push('-c', `${p}.name=${toml('OpenAI API')}`, '-c', `${p}.env_key="OPENAI_API_KEY"`);
    args.push('-c', `${p}.wire_api="responses"`);
    if (env.OPENAI_BASE_URL) args.push('-c', `${p}.base_url=${toml(env.OPENAI_BASE_URL)}`);
    if (o.maxRetries !== undefined)
      args.push(
        '-c',
        `${p}.request_max_retries=${o.maxRetries}`,
        '-c',
        `${p}.stream_max_retries=${o.maxRetries}`,
      );
  }
  if (req.model !== undefined) args.push('--model', req.model);
  if (req.appendSystemPrompt !== undefined)
    args.push('-c', `developer_instructions=${toml(req.appendSystemPrompt)}`);
  if (o.schemaFile) args.push('--output-schema', o.schemaFile);
  args.push('-');
  return args;
}
