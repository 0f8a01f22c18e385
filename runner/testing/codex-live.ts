import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AgentEvent, AgentOutcome, AgentPort, AgentSessionRequest } from '../agent/port.ts';
import {
  findSessionProcesses,
  killSessionTree,
  sessionProcesses,
  type ProcInfo,
} from '../agent/proc.ts';
import { createCodexAgent, type CodexAgentOptions } from '../codex/adapter.ts';
import { codexSessionMarker } from '../codex/markers.ts';
import { startModelDouble, type ModelDouble } from '../model-double/server.ts';
import type { Script } from '../model-double/script.ts';
import type { LiveSession } from './live.ts';

/**
 * Test support: the real Codex CLI against the model double's Responses API, with a temporary
 * workspace and HOME per session, and a process-table check that nothing of a session is left.
 */
export const CODEX_CANARY_KEY = 'sk-openai-test-CANARY-456';
/** The model tests ask for: one the CLI knows, so it offers its `apply_patch` tool. */
export const CODEX_TEST_MODEL = 'gpt-5.5';
/** A price table for tests: $1 / $0.1 / $10 per million input / cached / output tokens. */
export const TEST_PRICES = { '*': { input: 1, cachedInput: 0.1, output: 10 } };

export interface CodexHarness {
  double: ModelDouble;
  agent: AgentPort;
  root: string;
  session(script: Script, overrides?: Partial<AgentSessionRequest>): Promise<LiveSession>;
  run(s: LiveSession, agent?: AgentPort): Promise<AgentOutcome>;
  leftovers(s: LiveSession): ProcInfo[];
  close(): Promise<void>;
}

export async function startCodexHarness(options: CodexAgentOptions = {}): Promise<CodexHarness> {
  const double = await startModelDouble();
  const agent = createCodexAgent({
    killGraceMs: 1500,
    maxRetries: 0,
    prices: TEST_PRICES,
    ...options,
  });
  const root = await mkdtemp(path.join(tmpdir(), 'sg-codex-'));
  let n = 0;
  const sessions: LiveSession[] = [];
  return {
    double,
    agent,
    root,
    async session(script, overrides = {}) {
      const id = `c${++n}`;
      const base = double.register(id, script);
      const dir = await mkdtemp(path.join(root, `${id}-`));
      const workspace = path.join(dir, 'ws');
      const home = path.join(dir, 'home');
      await Promise.all([mkdir(workspace), mkdir(home)]);
      const { env: envOverride, ...rest } = overrides;
      const request: AgentSessionRequest = {
        sessionId: randomUUID(),
        workspace,
        home,
        prompt: 'Do the scripted task.',
        model: CODEX_TEST_MODEL,
        timeoutMs: 90_000,
        idleTimeoutMs: 45_000,
        env: {
          PATH: '/usr/local/bin:/usr/bin:/bin',
          OPENAI_API_KEY: CODEX_CANARY_KEY,
          OPENAI_BASE_URL: `${base}/v1`,
          ...envOverride,
        },
        ...rest,
      };
      const s: LiveSession = { request, workspace, home, events: [] };
      sessions.push(s);
      return s;
    },
    run(s, other) {
      const onEvent = (e: AgentEvent): void => {
        if (e.kind === 'spawn') s.pid = e.pid;
        s.events.push(e);
      };
      return (other ?? agent).run(s.request, onEvent);
    },
    leftovers(s) {
      const byMarker = sessionProcesses(null, codexSessionMarker(s.request.sessionId));
      const seen = new Set(byMarker.map((p) => p.pid));
      return [
        ...byMarker,
        ...findSessionProcesses(s.request.sessionId, s.pid).filter((p) => !seen.has(p.pid)),
      ];
    },
    async close() {
      for (const s of sessions) killSessionTree(null, codexSessionMarker(s.request.sessionId));
      await double.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}
