import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * The README's start command as a new user runs it: `scenario-gen start` with nothing
 * configured, so it brings up embedded Postgres under DATA_DIR. Data survives a stop and start.
 */
const ROOT = path.resolve(import.meta.dirname, '..');

function start(
  dataDir: string,
): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    LANG: 'C.UTF-8',
    DATA_DIR: dataDir,
    PORT: '0',
  };
  const child = spawn(process.execPath, [path.join(ROOT, 'bin/scenario-gen.ts'), 'start'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL within 60 s:\n${out}`)), 60_000);
    child.stdout!.on('data', () => {
      const m = out.match(/running at (http:\/\/\S+)/);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1]!, output: () => out });
      }
    });
    child.on('exit', (code) => reject(new Error(`exited ${code} before serving:\n${out}`)));
  });
}

async function stop(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  const done = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  child.kill('SIGTERM');
  return done;
}

describe('npm start on embedded defaults', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'sg-start-'));
  const children: ChildProcess[] = [];
  afterAll(async () => {
    for (const c of children) await stop(c);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves health, keeps data across a restart, and seeds two sample campaigns once', async () => {
    const t0 = Date.now();
    const first = await start(dataDir);
    children.push(first.child);
    const health = await fetch(`${first.url}/api/health`);
    expect(health.status).toBe(200);
    const firstStartMs = Date.now() - t0;
    expect(first.output()).toMatch(/embedded Postgres created/);

    const samples = (await (await fetch(`${first.url}/api/campaigns`)).json()) as {
      items: { name: string }[];
    };
    expect(samples.items.map((c) => c.name)).toEqual([
      'AI-Powered Customer Service',
      'Content Creation & Marketing',
    ]);

    const post = (p: string, body: unknown) =>
      fetch(`${first.url}${p}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const campaign = (await (
      await post('/api/campaigns', { name: 'Kept across restarts' })
    ).json()) as { id: string };
    const scenario = (await (
      await post('/api/scenarios', {
        campaignId: campaign.id,
        title: 'Kept',
        request: "'); DROP TABLE scenarios; --",
      })
    ).json()) as { id: string };
    expect(await stop(first.child)).toBe(0);

    const second = await start(dataDir);
    children.push(second.child);
    expect(second.output()).toMatch(/embedded Postgres started/);
    const again = (await (await fetch(`${second.url}/api/scenarios/${scenario.id}`)).json()) as {
      request: string;
    };
    expect(again.request).toBe("'); DROP TABLE scenarios; --");
    const names = (
      (await (await fetch(`${second.url}/api/campaigns`)).json()) as { items: { name: string }[] }
    ).items.map((c) => c.name);
    expect(names).toEqual([
      'AI-Powered Customer Service',
      'Content Creation & Marketing',
      'Kept across restarts',
    ]);
    expect(await stop(second.child)).toBe(0);
    console.log(`first start to healthy: ${firstStartMs} ms`);
  }, 180_000);
});
