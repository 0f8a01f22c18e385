import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDeployTarget } from './target.ts';

/** The deploy port's adapters, chosen from settings; the command one sees only allow-listed env. */
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sg-target-'));
  await writeFile(path.join(dir, 'README.md'), '# x\n');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const request = () => ({
  scenarioDir: dir,
  name: 'demo-app',
  profile: 'vrooli-2025-08-07',
  archiveKey: 'deployments/s/demo-app-r.tar.gz',
  signal: new AbortController().signal,
});

describe('deploy targets', () => {
  it('archive: nothing beyond the object store; the location is the archive', async () => {
    const t = createDeployTarget({ kind: 'archive' });
    expect(t.external).toBe(false);
    expect(await t.deploy(request())).toEqual({ location: 'deployments/s/demo-app-r.tar.gz' });
  });

  it('command: runs the command with only the allow-listed variables of the start-up env', async () => {
    const t = createDeployTarget({
      kind: 'command',
      command: ['/usr/bin/env'],
      env: { PATH: '/usr/bin:/bin', LANG: 'C.UTF-8', DATABASE_URL: 'postgres://u:canary-pw@h/db' },
    });
    expect(t.external).toBe(true);
    const r = (await t.deploy(request())) as { location: string; output?: string };
    expect(r.location).toBe(dir);
    expect(r.output).toContain('PATH=/usr/bin:/bin');
    expect(r.output).toContain('LANG=C.UTF-8');
    expect(r.output).not.toContain('canary-pw');
    expect(r.output).not.toContain('DATABASE_URL');
  });
});
