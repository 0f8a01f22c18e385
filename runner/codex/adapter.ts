import { chown, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
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
import { buildCodexArgs } from './args.ts';
import { findCodexBinary } from './binary.ts';
import { estimateCost, type PriceTable } from './cost.ts';
import { codexSessionMarker, CODEX_SESSION_ENV } from './markers.ts';
import { decideCodexOutcome, type CodexStop } from './outcome.ts';
import { createCodexStreamParser, LineSplitter } from './parse.ts';
import { captureStderr } from '../agent/stderr-capture.ts';
import { createRolloutReader } from './rollout.ts';

/**
 * The Codex CLI adapter of the agent port: one `codex exec --json` process per session, started
 * through execa with an argv array, in its own process group, with its own CODEX_HOME (and a
 * TMPDIR beside it: the CLI will not set up its sandbox helpers under the temporary folder).
 * Codex has no turn or budget flag, so both bounds are kept here: tool calls are counted from the
 * stream, and the estimated cost from the rollout's token counts after every model response.
 */
export interface CodexAgentOptions {
  /** Path of the `codex` binary; default: PATH of the session's env, then the project dependency. */
  binary?: string;
  /** USD per million tokens per model, for the estimated cost (and the budget bound). */
  prices?: PriceTable;
  /** The provider's request and stream retries (tests use 0). Default: the CLI's own. */
  maxRetries?: number;
  killGraceMs?: number;
  maxLineBytes?: number;
  /** Extra CLI arguments inserted before the prompt marker. For tests and diagnostics only. */
  extraArgs?: string[];
}

const CREDENTIALS = ['OPENAI_API_KEY', 'CODEX_API_KEY'];

/** Creates the adapter. The binary is looked up on first use. */
export function createCodexAgent(options: CodexAgentOptions = {}): AgentPort {
  let binary = options.binary;
  const grace = options.killGraceMs ?? 3000;
  const maxLine = options.maxLineBytes ?? 8 * 1024 * 1024;
  const prices = options.prices ?? {};

  return {
    name: 'codex',
    async run(
      req: AgentSessionRequest,
      onEvent: (e: AgentEvent) => void,
      onRawLine?: RawLineSink,
    ): Promise<AgentOutcome> {
      const codexHome = path.join(req.home, '.codex');
      const tmp = path.join(req.home, 'tmp');
      const schemaFile = req.jsonSchema ? path.join(req.home, 'output-schema.json') : undefined;
      const built = buildCodexArgs(req, {
        ...(schemaFile ? { schemaFile } : {}),
        ...(options.maxRetries !== undefined ? { maxRetries: options.maxRetries } : {}),
      });
      const args = [...built.slice(0, -1), ...(options.extraArgs ?? []), '-'];
      binary ??= findCodexBinary({ pathEnv: req.env.PATH ?? '' });
      const parser = createCodexStreamParser();
      const rollout = createRolloutReader(codexHome);
      const started = Date.now();
      let costUsd = 0;
      const facts = () => ({
        sessionId: req.sessionId,
        stream: parser.state,
        rollout: rollout.facts,
        jsonSchemaRequested: req.jsonSchema !== undefined,
        hasCredentials: CREDENTIALS.some((k) => !!req.env[k]),
        ...(req.model ? { model: req.model } : {}),
        costUsd,
        ...(req.maxTurns ? { maxTurns: req.maxTurns } : {}),
      });
      if (req.signal?.aborted)
        return decideCodexOutcome({
          ...facts(),
          exitCode: null,
          signal: null,
          stoppedFor: 'cancel',
          stderrHead: '',
          durationMs: 0,
        });

      for (const dir of [codexHome, tmp]) {
        await mkdir(dir, { recursive: true, mode: 0o700 });
        if (req.runAs) await chown(dir, req.runAs.uid, req.runAs.gid);
      }
      if (schemaFile) await writeFile(schemaFile, JSON.stringify(req.jsonSchema), { mode: 0o644 });

      const child = execa(binary, args, {
        cwd: req.workspace,
        env: {
          ...req.env,
          HOME: req.home,
          CODEX_HOME: codexHome,
          TMPDIR: tmp,
          [CODEX_SESSION_ENV]: req.sessionId,
        },
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

      let stoppedFor: CodexStop | undefined;
      let lastActivity = Date.now();
      let killTimer: NodeJS.Timeout | undefined;
      let idleTimer: NodeJS.Timeout | undefined;
      const stop = (why: CodexStop): void => {
        if (stoppedFor || pid === undefined) return;
        stoppedFor = why;
        signalGroup(pid, 'SIGTERM');
        killTimer = setTimeout(() => signalGroup(pid, 'SIGKILL'), grace);
      };
      const wallTimer = setTimeout(() => stop('timeout'), req.timeoutMs);
      const armIdle = (): void => {
        const due = lastActivity + req.idleTimeoutMs - Date.now();
        idleTimer = due <= 0 ? undefined : setTimeout(armIdle, due);
        if (due <= 0) stop('idle');
      };
      idleTimer = setTimeout(armIdle, req.idleTimeoutMs);
      const onAbort = (): void => stop('cancel');
      req.signal?.addEventListener('abort', onAbort, { once: true });

      const checkBounds = (): void => {
        rollout.poll(parser.state.threadId);
        const u = rollout.facts.usage;
        if (u) costUsd = estimateCost(prices, req.model, u);
        if (req.maxBudgetUsd !== undefined && costUsd > req.maxBudgetUsd) stop('budget');
        if (req.maxTurns !== undefined && parser.state.toolCalls > req.maxTurns) stop('max_turns');
      };
      const splitter = new LineSplitter((line) => {
        onRawLine?.(line.text);
        if (line.truncated) {
          onEvent({
            kind: 'notice',
            message: `an output line of ${line.bytes} bytes was cut to ${maxLine} bytes`,
          });
          return;
        }
        for (const e of parser.parse(line.text)) onEvent(e);
        checkBounds();
      }, maxLine);
      child.stdout?.on('data', (chunk: Buffer) => {
        lastActivity = Date.now();
        splitter.push(chunk);
      });

      const stderr = captureStderr(child.stderr, onEvent, () => (lastActivity = Date.now()));
      // Commands the CLI runs may sit in process groups (and PTY sessions) of their own; the
      // marker in their environment finds them once the CLI is gone.
      const sweep = sweepOnExit(child.nodeChildProcess, {
        pid,
        marker: codexSessionMarker(req.sessionId),
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
      rollout.poll(parser.state.threadId);
      if (rollout.facts.usage) costUsd = estimateCost(prices, req.model, rollout.facts.usage);

      const spawnError =
        result.failed && result.exitCode === undefined && !result.signal
          ? String(result.originalMessage ?? '')
          : '';
      const outcome = decideCodexOutcome({
        ...facts(),
        exitCode: result.exitCode ?? null,
        signal: result.signal ?? null,
        ...(stoppedFor ? { stoppedFor } : {}),
        stderrHead: spawnError || stderr.head(),
        durationMs: Date.now() - started,
        timeoutMs: req.timeoutMs,
        idleTimeoutMs: req.idleTimeoutMs,
      });
      onEvent({
        kind: 'result',
        isError: outcome.class !== 'success',
        subtype: outcome.class,
        turns: outcome.turns,
        costUsd: outcome.costUsd,
        durationMs: outcome.durationMs,
        ...(outcome.resultText !== undefined ? { text: outcome.resultText.slice(0, 2000) } : {}),
      });
      return outcome;
    },
  };
}
