import { closeSync, openSync, readdirSync, readSync } from 'node:fs';
import path from 'node:path';
import * as v from 'valibot';
import type { PermissionDenial } from '../agent/port.ts';
import { normaliseResetTime } from '../claude/parse.ts';
import { createDenialTracker, type DenialTracker } from './denials.ts';
import { RolloutError, SessionMeta, TaskComplete, TokenCount, type ErrorInfo } from './lines.ts';

/**
 * Reads a Codex session's rollout file (CODEX_HOME/sessions/YYYY/MM/DD/rollout-…-<thread>.jsonl)
 * as it grows: token counts after every model response, the rate-limit windows, and the
 * structured error of a failed turn. Each session has its own CODEX_HOME, so the thread id from
 * the exec stream finds its file.
 */
export interface RolloutFacts {
  /** Model responses so far (one token count each). */
  responses: number;
  usage?: { input: number; cached: number; output: number };
  /** ISO reset time of an exhausted rate-limit window. */
  resetAt?: string;
  error?: { message?: string; info?: ErrorInfo };
  lastAgentMessage?: string;
  cliVersion?: string;
  /** Tool calls the CLI refused (patches outside the project, sandboxed writes). */
  denials: PermissionDenial[];
}

export interface RolloutReader {
  facts: RolloutFacts;
  /** Reads what was appended since the last call (cheap when nothing was). */
  poll(threadId: string | undefined): void;
}

const MAX_READ = 4 * 1024 * 1024;

function findFile(dir: string, suffix: string, depth = 0): string | undefined {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return undefined;
  }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isFile() && e.name.endsWith(suffix)) return p;
    if (e.isDirectory() && depth < 4) {
      const hit = findFile(p, suffix, depth + 1);
      if (hit) return hit;
    }
  }
  return undefined;
}

const n = (x: number | null | undefined): number => (typeof x === 'number' ? x : 0);

function onLine(line: string, facts: RolloutFacts, tracker: DenialTracker): void {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return;
  }
  if (!json || typeof json !== 'object') return;
  const { type, payload } = json as { type?: unknown; payload?: unknown };
  if (type === 'session_meta') {
    const m = v.safeParse(SessionMeta, payload);
    if (m.success && m.output.cli_version) facts.cliVersion = m.output.cli_version;
    if (m.success && m.output.cwd) tracker.setCwd(m.output.cwd);
    return;
  }
  if (type === 'response_item' && payload && typeof payload === 'object') {
    tracker.onItem(payload as Record<string, unknown>);
    return;
  }
  if (type !== 'event_msg' || !payload || typeof payload !== 'object') return;
  const kind = (payload as { type?: unknown }).type;
  if (kind === 'token_count') {
    const t = v.safeParse(TokenCount, payload);
    if (!t.success) return;
    const total = t.output.info?.total_token_usage;
    if (total) {
      facts.responses++;
      facts.usage = {
        input: n(total.input_tokens),
        cached: n(total.cached_input_tokens),
        output: n(total.output_tokens),
      };
    }
    const windows = [t.output.rate_limits?.primary, t.output.rate_limits?.secondary];
    const full = windows.filter((w) => w && n(w.used_percent) >= 100 && w.resets_at);
    const reset = normaliseResetTime(full[0]?.resets_at);
    if (reset) facts.resetAt = reset;
  } else if (kind === 'error') {
    const e = v.safeParse(RolloutError, payload);
    if (e.success) facts.error = errorOf(e.output);
  } else if (kind === 'task_complete') {
    const c = v.safeParse(TaskComplete, payload);
    if (!c.success) return;
    if (c.output.error) facts.error = errorOf(c.output.error);
    if (c.output.last_agent_message) facts.lastAgentMessage = c.output.last_agent_message;
  }
}

function errorOf(e: v.InferOutput<typeof RolloutError>): RolloutFacts['error'] {
  return {
    ...(e.message ? { message: e.message } : {}),
    ...(e.codex_error_info ? { info: e.codex_error_info } : {}),
  };
}

/** A reader for the rollout files under `codexHome`. */
export function createRolloutReader(codexHome: string): RolloutReader {
  const tracker = createDenialTracker();
  const facts: RolloutFacts = { responses: 0, denials: tracker.denials };
  let file: string | undefined;
  let offset = 0;
  let rest = '';
  return {
    facts,
    poll(threadId) {
      if (!threadId) return;
      file ??= findFile(path.join(codexHome, 'sessions'), `-${threadId}.jsonl`);
      if (!file) return;
      let fd: number;
      try {
        fd = openSync(file, 'r');
      } catch {
        return;
      }
      try {
        const buf = Buffer.alloc(64 * 1024);
        for (let read = 0; read < MAX_READ;) {
          const got = readSync(fd, buf, 0, buf.length, offset);
          if (got <= 0) break;
          offset += got;
          read += got;
          const parts = (rest + buf.toString('utf8', 0, got)).split('\n');
          rest = parts.pop() ?? '';
          for (const p of parts) if (p.trim()) onLine(p, facts, tracker);
        }
      } finally {
        closeSync(fd);
      }
    },
  };
}
