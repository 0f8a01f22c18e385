import { execa } from 'execa';

/**
 * Runs one command (argv, never a shell) with a bounded capture of its interleaved stdout and
 * stderr, delivering every complete line to `onLine` as it arrives — so a parser sees all of a
 * long output even though only the first `maxBytes` are kept. The command runs in its own process
 * group, so a timeout ends the children it started too.
 */

export interface BoundedRunOptions {
  command: readonly string[];
  cwd: string;
  /** The whole environment of the command; nothing else is inherited. */
  env: Record<string, string>;
  timeoutMs: number;
  /** Bytes of output kept in `output`; lines past it still reach `onLine`. */
  maxBytes?: number;
  onLine?: (line: string) => void;
  /** End what the command left running in its process group once it exits. Default true. */
  killStragglers?: boolean;
  signal?: AbortSignal;
  /** The unprivileged user the command runs as (model-written code never runs as the server's). */
  runAs?: { uid: number; gid: number };
}

export interface BoundedRunResult {
  /** The exit code, or null when the command could not start or was killed by a signal. */
  exitCode: number | null;
  timedOut: boolean;
  /** Why the command could not start (e.g. `ENOENT`), when it could not. */
  spawnError: string | null;
  output: string;
  truncated: boolean;
  durationMs: number;
}

const DEFAULT_MAX_BYTES = 256 * 1024;
/** Time the output stream may stay open after the command exited (a child holding the pipe). */
const DRAIN_GRACE_MS = 1000;

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is already gone.
  }
}

/** Runs the command and resolves when it has exited and its output is drained. Never rejects for a failing command. */
export async function runBounded(options: BoundedRunOptions): Promise<BoundedRunResult> {
  const [file, ...args] = options.command;
  if (!file) throw new Error('runBounded: empty command');
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const started = performance.now();
  const sub = execa(file, args, {
    cwd: options.cwd,
    env: options.env,
    extendEnv: false,
    all: true,
    buffer: false,
    reject: false,
    stdin: 'ignore',
    detached: true,
    cleanup: true,
    ...(options.runAs ? { uid: options.runAs.uid, gid: options.runAs.gid } : {}),
    ...(options.signal ? { cancelSignal: options.signal } : {}),
  });
  let output = '';
  let kept = 0;
  let truncated = false;
  let partial = '';
  const take = (chunk: string): void => {
    if (kept < maxBytes) {
      const room = maxBytes - kept;
      const piece =
        Buffer.byteLength(chunk) <= room
          ? chunk
          : Buffer.from(chunk).subarray(0, room).toString('utf8');
      output += piece;
      kept += Buffer.byteLength(piece);
      if (piece.length < chunk.length) truncated = true;
    } else if (chunk.length > 0) truncated = true;
    if (!options.onLine) return;
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) options.onLine(line.replace(/\r$/, ''));
  };
  const stream = sub.all;
  const drained = new Promise<void>((resolve) => {
    if (!stream) return resolve();
    stream.setEncoding('utf8');
    stream.on('data', (c: string) => take(c));
    stream.on('end', resolve);
    stream.on('close', resolve);
    stream.on('error', () => resolve());
  });
  let timedOut = false;
  let hardKill: NodeJS.Timeout | undefined;
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup(sub.pid, 'SIGTERM');
    hardKill = setTimeout(() => killGroup(sub.pid, 'SIGKILL'), 2000);
  }, options.timeoutMs);
  const result = await sub;
  clearTimeout(timer);
  if (options.killStragglers ?? true) killGroup(sub.pid, 'SIGKILL');
  let grace: NodeJS.Timeout | undefined;
  await Promise.race([drained, new Promise<void>((r) => (grace = setTimeout(r, DRAIN_GRACE_MS)))]);
  clearTimeout(grace);
  clearTimeout(hardKill);
  stream?.destroy();
  if (partial !== '' && options.onLine) options.onLine(partial.replace(/\r$/, ''));
  const spawnError =
    result.exitCode === undefined && result.signal === undefined && !timedOut
      ? (result.code ?? result.shortMessage ?? 'failed to start')
      : null;
  return {
    exitCode: result.exitCode ?? null,
    timedOut,
    spawnError: spawnError === null ? null : String(spawnError),
    output,
    truncated,
    durationMs: Math.round(performance.now() - started),
  };
}
