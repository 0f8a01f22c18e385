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
import { sessionEnvMarker } from '../claude/markers.ts';
import { createClaudeCodeAgent, type ClaudeCodeAgentOptions } from '../claude/adapter.ts';
import { startModelDouble, type ModelDouble } from '../model-double/server.ts';
import type { Script } from '../model-double/script.ts';
import { writeAgentSettings } from '../workspace.ts';

/**
 * Test support: the real Claude Code CLI against a model double, with per-session temporary
 * workspace and HOME, and a process-table check that nothing of a session is left.
 */
export const CANARY_KEY = 'sk-ant-test-CANARY-123';

export interface LiveSession {
  request: AgentSessionRequest;
  workspace: string;
  home: string;
  events: AgentEvent[];
  pid?: number;
}

export interface LiveHarness {
  double: ModelDouble;
  /** The Claude Code adapter, limited to a few processes at once. */
  agent: AgentPort;
  root: string;
  /** A request for a registered script; `overrides` replace fields, `env` is merged. */
  session(script: Script, overrides?: Partial<AgentSessionRequest>): Promise<LiveSession>;
  /** Runs a session with the harness agent (or another one), collecting events. */
  run(s: LiveSession, agent?: AgentPort, onRawLine?: (line: string) => void): Promise<AgentOutcome>;
  /** Live processes of a session: its id on the command line or in the environment, or in its process group. */
  leftovers(s: LiveSession): ProcInfo[];
  close(): Promise<void>;
}

/** CLI processes a harness runs at once: the machines have 2 cores, shared with other suites. */
const MAX_PARALLEL = 2;

function limiter(max: number): <T>(fn: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: Array<() => void> = [];
  return async (fn) => {
    if (active >= max) await new Promise<void>((r) => waiting.push(r));
    active++;
    try {
      return await fn();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}

export async function startLiveHarness(
  agentOptions: ClaudeCodeAgentOptions = {},
): Promise<LiveHarness> {
  const limit = limiter(MAX_PARALLEL);
  const double = await startModelDouble();
  const raw = createClaudeCodeAgent({ killGraceMs: 1500, ...agentOptions });
  // Every CLI process of the harness, however started, waits for a slot.
  const agent: AgentPort = {
    name: raw.name,
    run: (req, onEvent, onRawLine) => limit(() => raw.run(req, onEvent, onRawLine)),
  };
  const root = await mkdtemp(path.join(tmpdir(), 'sg-live-'));
  let n = 0;
  const sessions: LiveSession[] = [];
  return {
    double,
    agent,
    root,
    async session(script, overrides = {}) {
      const id = `t${++n}`;
      const base = double.register(id, script);
      const dir = await mkdtemp(path.join(root, `${id}-`));
      const workspace = path.join(dir, 'ws');
      const home = path.join(dir, 'home');
      await Promise.all([mkdir(workspace), mkdir(home)]);
      await writeAgentSettings(home);
      const { env: envOverride, ...rest } = overrides;
      const request: AgentSessionRequest = {
        sessionId: randomUUID(),
        workspace,
        home,
        prompt: 'Do the scripted task.',
        timeoutMs: 90_000,
        idleTimeoutMs: 45_000,
        env: {
          PATH: '/usr/local/bin:/usr/bin:/bin',
          ANTHROPIC_API_KEY: CANARY_KEY,
          ANTHROPIC_BASE_URL: base,
          CLAUDE_CODE_MAX_RETRIES: '1',
          ...envOverride,
        },
        ...rest,
      };
      const s: LiveSession = { request, workspace, home, events: [] };
      sessions.push(s);
      return s;
    },
    run(s, other, onRawLine) {
      const onEvent = (e: AgentEvent): void => {
        if (e.kind === 'spawn') s.pid = e.pid;
        s.events.push(e);
      };
      return other
        ? limit(() => other.run(s.request, onEvent, onRawLine))
        : agent.run(s.request, onEvent, onRawLine);
    },
    leftovers(s) {
      const byMarker = sessionProcesses(null, sessionEnvMarker(s.request.sessionId));
      const seen = new Set(byMarker.map((p) => p.pid));
      return [
        ...byMarker,
        ...findSessionProcesses(s.request.sessionId, s.pid).filter((p) => !seen.has(p.pid)),
      ];
    },
    async close() {
      // A failed test must not leave its CLI (or what it started) running.
      for (const s of sessions) {
        killSessionTree(null, sessionEnvMarker(s.request.sessionId));
        for (const p of findSessionProcesses(s.request.sessionId)) process.kill(p.pid, 'SIGKILL');
      }
      await double.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}
