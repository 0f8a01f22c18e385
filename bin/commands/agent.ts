import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig, type Loaded } from '../../core/secrets/load.ts';
import type { AgentEvent, AgentOutcome } from '../../runner/agent/port.ts';
import { createAgent } from '../compose/agent.ts';
import { buildAgentEnv, credentialHint } from '../../runner/env.ts';
import { createRedactor, secretValues } from '../../runner/redact.ts';
import type { CliCommand, CliIo } from '../command.ts';
import { handOver, setUpBoundary } from '../../runner/boundary/index.ts';
import { writeAgentSettings } from '../../runner/workspace.ts';

const usage = `Usage: scenario-gen agent --prompt-file F --workspace DIR [--agent A] [--model M] [--max-turns N] [--json]

Runs one Claude Code or Codex CLI session (the real CLI, headless) with the prompt in F, in the existing
folder DIR, with its own temporary HOME and only the allow-listed environment
(AGENT_ENV_ALLOWLIST), and prints the normalised outcome. Use it to check your own set-up.

Options:
  --prompt-file F      File holding the prompt.
  --workspace DIR      Existing folder the agent works in (it may write only there).
  --agent A            claude-code or codex (default AGENT).
  --model M            Model (default AGENT_MODEL; CODEX_MODEL for codex).
  --max-turns N        Turn limit (default 20).
  --timeout-s S        Wall-clock limit in seconds (default 1800).
  --idle-timeout-s S   Longest silence in seconds (default 300).
  --json               Print the outcome as JSON.
  --help               Show this help.

Exit codes: 0 success, 1 any other outcome, 2 usage error.
`;

function positiveInt(name: string, raw: string | undefined, def: number): number {
  if (raw === undefined) return def;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer`);
  return n;
}

function describe(e: AgentEvent): string | undefined {
  switch (e.kind) {
    case 'init':
      return `session started (model ${e.model ?? '?'}, agent ${e.agentVersion ?? '?'})`;
    case 'tool_use':
      return `tool ${e.tool} ${e.summary}`;
    case 'tool_result':
      return e.isError ? `tool failed: ${e.summary.slice(0, 160)}` : undefined;
    case 'permission_denied':
      return `permission denied: ${e.tool}`;
    case 'api_retry':
      return `API error ${e.status ?? '?'}; retry ${e.attempt}/${e.maxRetries} in ${Math.round(e.delayMs / 1000)} s`;
    case 'rate_limit':
      return `rate limit ${e.status}${e.resetsAt ? ` (resets ${e.resetsAt})` : ''}`;
    case 'text':
      return `agent: ${e.text.slice(0, 200)}`;
    default:
      return undefined;
  }
}

function printOutcome(io: CliIo, o: AgentOutcome): void {
  io.stdout(`outcome: ${o.class}${o.retryable ? ' (retryable)' : ''}\n${o.message}\n`);
  io.stdout(
    `session ${o.sessionId} · model ${o.model ?? '?'} · ${o.turns} turns · $${o.costUsd.toFixed(4)} · ${o.durationMs} ms\n`,
  );
  if (o.resetAt) io.stdout(`usage limit resets at ${o.resetAt}\n`);
  for (const d of o.permissionDenials)
    io.stdout(`denied: ${d.tool}${d.path ? ` ${d.path}` : ''}\n`);
  if (o.resultText) io.stdout(`result: ${o.resultText.slice(0, 2000)}\n`);
}

/** `scenario-gen agent`: one real Claude Code session, its outcome printed. */
export const command: CliCommand = {
  name: 'agent',
  summary: 'Run one Claude Code session and print its normalised outcome',
  usage,
  async run(args, io) {
    let values;
    try {
      values = parseArgs({
        args,
        strict: true,
        options: {
          'prompt-file': { type: 'string' },
          workspace: { type: 'string' },
          model: { type: 'string' },
          agent: { type: 'string' },
          'max-turns': { type: 'string' },
          'timeout-s': { type: 'string' },
          'idle-timeout-s': { type: 'string' },
          json: { type: 'boolean', default: false },
          help: { type: 'boolean', short: 'h', default: false },
        },
      }).values;
    } catch (e) {
      io.stderr(`${e instanceof Error ? e.message : String(e)}\n${usage}`);
      return 2;
    }
    if (values.help) {
      io.stdout(usage);
      return 0;
    }
    if (values.agent !== undefined && values.agent !== 'claude-code' && values.agent !== 'codex') {
      io.stderr(`--agent must be claude-code or codex\n${usage}`);
      return 2;
    }
    let config: Loaded['config'];
    let resolved: Loaded['env'];
    try {
      ({ config, env: resolved } = await loadConfig(io.env));
    } catch (e) {
      io.stderr(`${e instanceof Error ? e.message : String(e)}\n`);
      return 2;
    }
    const env = buildAgentEnv(resolved, config.AGENT_ENV_ALLOWLIST);
    const redactor = createRedactor(secretValues(env));
    let home: string | undefined;
    try {
      if (!values['prompt-file'] || !values.workspace)
        throw new Error('--prompt-file and --workspace are required');
      const workspace = path.resolve(values.workspace);
      if (!(await stat(workspace).catch(() => null))?.isDirectory())
        throw new Error(`--workspace ${workspace} is not an existing folder`);
      const prompt = await readFile(values['prompt-file'], 'utf8');
      const maxTurns = positiveInt('max-turns', values['max-turns'], 20);
      const timeoutMs = positiveInt('timeout-s', values['timeout-s'], 1800) * 1000;
      const idleTimeoutMs = positiveInt('idle-timeout-s', values['idle-timeout-s'], 300) * 1000;
      home = await mkdtemp(path.join(tmpdir(), 'scenario-gen-agent-home-'));
      const boundary = await setUpBoundary(config.AGENT_USER);
      await writeAgentSettings(home);
      if (boundary.runAs) {
        // The session runs as the agent user, which must own what it works in.
        await handOver(home, boundary.runAs);
        await handOver(workspace, boundary.runAs);
        io.stderr(`the session runs as ${boundary.runAs.user}, which now owns ${workspace}\n`);
      }
      const agent = createAgent(config, values.agent ?? config.AGENT);
      const outcome = redactor.value(
        await agent.run(
          {
            sessionId: randomUUID(),
            workspace,
            home,
            prompt,
            model: values.model ?? config.AGENT_MODEL,
            maxTurns,
            timeoutMs,
            idleTimeoutMs,
            signal: io.signal,
            env,
            ...(boundary.runAs ? { runAs: boundary.runAs } : {}),
          },
          (e) => {
            const line = describe(e);
            if (line) io.stderr(`${redactor.text(line)}\n`);
          },
        ),
      );
      if (values.json) io.stdout(`${JSON.stringify(outcome, null, 2)}\n`);
      else printOutcome(io, outcome);
      if (outcome.class === 'not_authenticated') {
        io.stderr(
          `${credentialHint(env, io.env.HOME) ?? 'The credentials were rejected: check ANTHROPIC_API_KEY / CLAUDE_CODE_OAUTH_TOKEN.'}\n`,
        );
      }
      return outcome.class === 'success' ? 0 : 1;
    } catch (e) {
      io.stderr(`${redactor.text(e instanceof Error ? e.message : String(e))}\n`);
      return 2;
    } finally {
      if (home) await rm(home, { recursive: true, force: true });
    }
  },
};
