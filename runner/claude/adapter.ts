import { execa } from 'execa';
import type {
  AgentEvent,
  AgentOutcome,
  AgentPort,
  AgentSessionRequest,
  RawLineSink,
} from '../agent/port.ts';
import { processStart, signalGroup } from '../agent/proc.ts';
import { sweepOnExit } from '../agent/sweep.ts';
import { buildClaudeArgs } from './args.ts';
import { findClaudeBinary } from './binary.ts';
import { sessionEnvMarker } from './markers.ts';
import { decideOutcome } from './outcome.ts';
import { createStreamParser, LineSplitter } from './parse.ts';
import { captureStderr } from '../agent/stderr-capture.ts';

/**
 * The Claude Code adapter of the agent port: one `claude -p` process per session, started
 * through execa with an argv array (never a shell), in its own process group so that a timeout
 * or cancellation kills everything it started.
 */
export interface ClaudeCodeAgentOptions {
  /** Path of the `claude` binary; default: PATH of the session's env, then the project dependency. */
  binary?: string;
  /** SIGTERM → SIGKILL grace when stopping a session. Default 3000 ms. */
  killGraceMs?: number;
  /** Longest stdout line kept; longer lines are cut and reported. Default 8 MiB. */
  maxLineBytes?: number;
  /** Extra CLI arguments appended after the built ones. For tests and diagnostics only. */
  extraArgs?: string[];
}

/** Creates the adapter. The binary is looked up on first use. */
export function createClaudeCodeAgent(options: ClaudeCodeAgentOptions = {}): AgentPort {
  let binary = options.binary;
  const grace = options.killGraceMs ?? 3000;
  const maxLine = options.maxLineBytes ?? 8 * 1024 * 1024;

  return {
    name: 'claude-code',
    async run(
      req: AgentSessionRequest,
      onEvent: (e: AgentEvent) => void,
      onRawLine?: RawLineSink,
    ): Promise<AgentOutcome> {
      const args = [...buildClaudeArgs(req), ...(options.extraArgs ?? [])];
      binary ??= findClaudeBinary({ pathEnv: req.env.PATH ?? '' });
      const parser = createStreamParser();
      const started = Date.now();
      const facts = {
        sessionId: req.sessionId,
        state: parser.state,
        jsonSchemaRequested: req.jsonSchema !== undefined,
      };
      if (req.signal?.aborted) {
        return decideOutcome({
          ...facts,
          exitCode: null,
          signal: null,
          stoppedFor: 'cancel',
          stderrHead: '',
          durationMs: 0,
        });
      }

      const child = execa(binary, args, {
        cwd: req.workspace,
        env: { ...req.env, HOME: req.home },
        extendEnv: false,
        input: req.prompt,
        detached: true,
        ...(req.runAs ? { uid: req.runAs.uid, gid: req.runAs.gid } : {}),
        buffer: false,
        reject: false,
        cleanup: false,
        stdout: 'pipe',
        stderr: 'pipe',
      });
      const pid = child.pid;
      const since = pid !== undefined ? processStart(pid) : undefined;
      if (pid !== undefined) onEvent({ kind: 'spawn', pid });

      let stoppedFor: 'timeout' | 'idle' | 'cancel' | undefined;
      let lastActivity = Date.now();
      let idleExtension = 0;
      let killTimer: NodeJS.Timeout | undefined;
      let idleTimer: NodeJS.Timeout | undefined;

      const stop = (why: 'timeout' | 'idle' | 'cancel'): void => {
        if (stoppedFor || pid === undefined) return;
        stoppedFor = why;
        signalGroup(pid, 'SIGTERM');
        killTimer = setTimeout(() => signalGroup(pid, 'SIGKILL'), grace);
      };
      const wallTimer = setTimeout(() => stop('timeout'), req.timeoutMs);
      const armIdle = (): void => {
        const due = lastActivity + req.idleTimeoutMs + idleExtension - Date.now();
        idleTimer = due <= 0 ? undefined : setTimeout(armIdle, due);
        if (due <= 0) stop('idle');
      };
      idleTimer = setTimeout(armIdle, req.idleTimeoutMs);
      const onAbort = (): void => stop('cancel');
      req.signal?.addEventListener('abort', onAbort, { once: true });

      const emit = (e: AgentEvent): void => {
        // An announced API retry wait is activity: the CLI is alive and will try again.
        if (e.kind === 'api_retry') idleExtension = e.delayMs;
        onEvent(e);
      };
      const splitter = new LineSplitter((line) => {
        onRawLine?.(line.text);
        if (line.truncated) {
          emit({
            kind: 'notice',
            message: `an output line of ${line.bytes} bytes was cut to ${maxLine} bytes`,
          });
          return;
        }
        for (const e of parser.parse(line.text)) emit(e);
      }, maxLine);
      child.stdout?.on('data', (chunk: Buffer) => {
        lastActivity = Date.now();
        idleExtension = 0;
        splitter.push(chunk);
      });

      const stderr = captureStderr(child.stderr, onEvent, () => (lastActivity = Date.now()));
      // Once the CLI is gone, nothing it started may outlive it (its Bash tool starts commands in
      // process groups of their own, so the session marker in their environment finds them).
      const sweep = sweepOnExit(child.nodeChildProcess, {
        pid,
        marker: sessionEnvMarker(req.sessionId),
        since,
        graceMs: grace,
        onExit: (code, sig) => onEvent({ kind: 'exit', exitCode: code, signal: sig }),
      });

      const result = await child;
      splitter.end();
      stderr.end();
      clearTimeout(wallTimer);
      if (idleTimer) clearTimeout(idleTimer);
      if (killTimer) clearTimeout(killTimer);
      req.signal?.removeEventListener('abort', onAbort);
      await sweep.settle();

      const spawnError =
        result.failed && result.exitCode === undefined && !result.signal
          ? String(result.originalMessage ?? '')
          : '';
      return decideOutcome({
        ...facts,
        exitCode: result.exitCode ?? null,
        signal: result.signal ?? null,
        ...(stoppedFor ? { stoppedFor } : {}),
        stderrHead: spawnError || stderr.head(),
        durationMs: Date.now() - started,
        timeoutMs: req.timeoutMs,
        idleTimeoutMs: req.idleTimeoutMs,
      });
    },
  };
}
