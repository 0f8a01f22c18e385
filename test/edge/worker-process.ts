import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT } from '../support/server.ts';

/** A real `scenario-gen start --role worker` process (as test/pipeline/roles.test.ts starts one). */
export interface WorkerProcess {
  url: string;
  output(): string;
  stop(): Promise<void>;
}

/** Starts a worker with a data folder of its own; resolves once it serves /api/health. */
export async function startWorker(env: Record<string, string>): Promise<WorkerProcess> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'sg-edge-worker-'));
  const child: ChildProcess = spawn(
    process.execPath,
    [path.join(ROOT, 'bin/scenario-gen.ts'), 'start', '--role', 'worker'],
    {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        LANG: 'C.UTF-8',
        PORT: '0',
        DATA_DIR: dataDir,
        LOG_LEVEL: 'info',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(t);
    }
    await rm(dataDir, { recursive: true, force: true });
  };
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = out.match(/running at (http:\/\/\S+)/);
      if (m) resolve(m[1]!);
    });
    child.on('exit', (code) => reject(new Error(`worker exited ${code}: ${out}`)));
  }).catch(async (e: unknown) => {
    await stop();
    throw e;
  });
  return { url, output: () => out, stop };
}
