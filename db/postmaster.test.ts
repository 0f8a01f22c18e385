import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from './embedded.ts';
import { inspectPostmaster, processAlive, processState } from './postmaster.ts';

const dirs: string[] = [];
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function dataDirWith(pid: number, port: number): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'sg-pm-'));
  dirs.push(dir);
  writeFileSync(path.join(dir, 'postmaster.pid'), `${pid}\n${dir}\n0\n${port}\n\n`);
  return dir;
}

/**
 * A zombie: `sh` backgrounds a child, then execs `sleep`, which never reaps it. The child outlives
 * the exec by a moment: one that exited at once could still be reaped by `sh` before the exec.
 */
async function zombie(): Promise<number> {
  const holder = spawn('sh', ['-c', 'sleep 0.3 & echo $!; exec sleep 30'], { stdio: 'pipe' });
  children.push(holder);
  const pid = await new Promise<number>((resolve) =>
    holder.stdout!.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))),
  );
  for (let i = 0; i < 150 && processState(pid) !== 'Z'; i++)
    await new Promise((r) => setTimeout(r, 20));
  return pid;
}

describe('an embedded cluster left behind by a killed app', () => {
  it('takes a zombie postmaster for dead and clears its pid file', async () => {
    const pid = await zombie();
    expect(processState(pid)).toBe('Z');
    // What the old check did: the signal says "alive".
    expect(() => process.kill(pid, 0)).not.toThrow();
    expect(processAlive(pid)).toBe(false);
    const dir = dataDirWith(pid, await freePort());
    expect(await inspectPostmaster(dir, 500)).toEqual({ kind: 'stale', pid });
    expect(existsSync(path.join(dir, 'postmaster.pid'))).toBe(false);
  });

  it('takes a pid that no longer exists for dead', async () => {
    const gone = spawn('true');
    await new Promise((r) => gone.once('exit', r));
    const dir = dataDirWith(gone.pid!, await freePort());
    expect((await inspectPostmaster(dir, 500)).kind).toBe('stale');
  });

  it('reuses a live postmaster that answers on its port', async () => {
    const server = net.createServer((s) => s.end());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as net.AddressInfo).port;
    const dir = dataDirWith(process.pid, port);
    expect(await inspectPostmaster(dir, 500)).toEqual({ kind: 'serving', pid: process.pid, port });
    server.close();
  });

  it('says so when a live postmaster never answers, instead of reusing it', async () => {
    const dir = dataDirWith(process.pid, await freePort());
    await expect(inspectPostmaster(dir, 300)).rejects.toThrow(/does not answer on port/);
  });

  it('finds nothing in a fresh folder', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sg-pm-'));
    dirs.push(dir);
    expect(await inspectPostmaster(dir)).toEqual({ kind: 'none' });
  });
});
