import type { Config } from '../../core/config.ts';
import type { AgentPort } from '../../runner/agent/port.ts';
import { createClaudeCodeAgent } from '../../runner/claude/adapter.ts';
import { createCodexAgent } from '../../runner/codex/adapter.ts';

/**
 * Which coding agent runs a session: Claude Code or Codex CLI, behind the same port. The
 * setting AGENT is the global default; a scenario or campaign may name another.
 */
export type AgentName = Config['AGENT'];

/** Model names Codex knows (OpenAI's); any other (a Claude model, the demo's) gets CODEX_MODEL. */
const OPENAI_MODEL_RE = /^(gpt-|o\d|codex-)/;

/** The adapter for `name` (default: the AGENT setting), with its binary and prices from the settings. */
export function createAgent(config: Config, name: AgentName = config.AGENT): AgentPort {
  if (name === 'codex') {
    const codex = createCodexAgent({
      prices: config.CODEX_PRICES,
      ...(config.CODEX_BIN ? { binary: config.CODEX_BIN } : {}),
    });
    // Scenarios name Claude models by default (AGENT_MODEL); Codex gets its own: with a name it
    // does not know, Codex offers no file-editing tool.
    return {
      name: codex.name,
      run: (req, onEvent, onRawLine) =>
        codex.run(
          !req.model || !OPENAI_MODEL_RE.test(req.model)
            ? { ...req, model: config.CODEX_MODEL }
            : req,
          onEvent,
          onRawLine,
        ),
    };
  }
  return createClaudeCodeAgent(config.CLAUDE_BIN ? { binary: config.CLAUDE_BIN } : {});
}

/** The environment that points an agent at the demo model (a local model double at `url`). */
export function demoAgentEnv(url: string): Record<string, string> {
  return {
    ANTHROPIC_BASE_URL: url,
    ANTHROPIC_API_KEY: 'demo-model-offline',
    CLAUDE_CODE_MAX_RETRIES: '1',
    OPENAI_BASE_URL: `${url}/v1`,
    OPENAI_API_KEY: 'demo-model-offline',
  };
}
