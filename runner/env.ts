import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * The agent's environment is an allow-list of the runner's, never the whole of it: a session
 * must not see the runner's database URL, tokens or anything else it does not need. HOME is
 * always the session's own (set by the adapter), so it is never taken from here.
 */
export const DEFAULT_ENV_ALLOW_LIST: readonly string[] = [
  'PATH',
  'LANG',
  'ANTHROPIC_API_KEY',
  'CLAUDE_CODE_OAUTH_TOKEN',
  'ANTHROPIC_BASE_URL',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'http_proxy',
  'https_proxy',
  'no_proxy',
  'CLAUDE_CODE_MAX_RETRIES',
  'OPENAI_API_KEY',
  'OPENAI_BASE_URL',
  'CODEX_API_KEY',
];

/** Variables that carry credentials for the agent. */
export const CREDENTIAL_VARS: readonly string[] = [
  'ANTHROPIC_API_KEY',
  'CLAUDE_CODE_OAUTH_TOKEN',
  'OPENAI_API_KEY',
  'CODEX_API_KEY',
];

const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Copies the allow-listed, non-empty variables of `source`. Throws on a malformed name. */
export function buildAgentEnv(
  source: Record<string, string | undefined>,
  allowList: readonly string[] = DEFAULT_ENV_ALLOW_LIST,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of allowList) {
    if (!NAME_RE.test(name))
      throw new Error(`Not an environment variable name: ${JSON.stringify(name)}`);
    if (name === 'HOME') continue;
    const value = source[name];
    if (value !== undefined && value !== '') out[name] = value;
  }
  return out;
}

/**
 * Claude Code's own OpenTelemetry export for agent sessions, on when the server exports traces
 * (`endpoint`): the CLI then sends its metrics and events to the same collector over OTLP/HTTP,
 * with the operator's OTEL_RESOURCE_ATTRIBUTES. Empty when telemetry is off.
 */
export function agentTelemetryEnv(
  endpoint: string | undefined,
  source: Record<string, string | undefined>,
): Record<string, string> {
  if (!endpoint) return {};
  return {
    CLAUDE_CODE_ENABLE_TELEMETRY: '1',
    OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    OTEL_METRICS_EXPORTER: 'otlp',
    OTEL_LOGS_EXPORTER: 'otlp',
    ...(source.OTEL_RESOURCE_ATTRIBUTES
      ? { OTEL_RESOURCE_ATTRIBUTES: source.OTEL_RESOURCE_ATTRIBUTES }
      : {}),
  };
}

/** True when the environment carries an API key or an OAuth token for the agent. */
export function hasAgentCredentials(env: Record<string, string | undefined>): boolean {
  return CREDENTIAL_VARS.some((k) => !!env[k]);
}

/**
 * What to tell a user whose sessions will not be authenticated, or undefined when credentials
 * are present. A `claude` login lives under ~/.claude, which sessions (with their own HOME) do not
 * see; `claude setup-token` turns it into a token they can use.
 */
export function credentialHint(
  env: Record<string, string | undefined>,
  userHome: string | undefined,
): string | undefined {
  if (hasAgentCredentials(env)) return undefined;
  const loggedIn =
    !!userHome &&
    (existsSync(path.join(userHome, '.claude')) || existsSync(path.join(userHome, '.claude.json')));
  if (loggedIn) {
    return [
      `You seem to be logged in to Claude Code (${path.join(userHome, '.claude')}), but each session runs with its own HOME`,
      'and cannot use that login. Run `claude setup-token`, then start scenario-gen with',
      'CLAUDE_CODE_OAUTH_TOKEN=<the token it prints> (or set ANTHROPIC_API_KEY).',
    ].join(' ');
  }
  return 'No Claude credentials: set ANTHROPIC_API_KEY, or run `claude setup-token` and set CLAUDE_CODE_OAUTH_TOKEN to the token it prints.';
}
