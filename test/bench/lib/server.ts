import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The real server (`node bin/scenario-gen.ts start`) as a child process: resolves once it prints
 * "running at <url>"; `stop()` sends SIGTERM (then SIGKILL after a grace period).
 */
export interface ServerProcess {
  url: string;
  pid: number;
  /** Everything it wrote to stderr so far (for failure messages). */
  stderr(): string;
  /** How it ended ("exit 1", "signal SIGKILL"), or null while it runs. */
  exited(): string | null;
  stop(): Promise<void>;
}

const ROOT = path.resolve(import.meta.dirname, '../../..');

/** The Node flags `npm start` runs the server with (package.json), so the bench measures that. */
function startFlags(): string[] {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
    scripts: { start: string };
  };
  return pkg.scripts.start.split(/\s+/).filter((a) => a.startsWith('--'));
}

export function startServer(env: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<ServerProcess> {
  const child = spawn(
    process.execPath,
    [...startFlags(), path.join(ROOT, 'bin/scenario-gen.ts'), 'start'],
    {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  let err = '';
  child.stderr.on('data', (b: Buffer) => {
    if (err.length < 64 * 1024) err += b.toString();
  });
  let ended: string | null = null;
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      ended = signal ? `signal ${signal}` : `exit ${code}`;
      resolve();
    }),
  );
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`the server did not print its URL within ${timeoutMs} ms\n${err}`));
    }, timeoutMs);
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /running at (http:\/\/\S+)/.exec(out);
      if (m && child.pid !== undefined) {
        clearTimeout(timer);
        resolve({ url: m[1]!, pid: child.pid, stderr: () => err, exited: () => ended, stop });
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the server exited early (${signal ?? code})\n${err}`));
    });
  });
}
