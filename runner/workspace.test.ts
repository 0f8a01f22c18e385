import { mkdir, mkdtemp, rm, stat, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSessionDirs, markScriptsExecutable, resolveInside } from './workspace.ts';

let root: string;
let outside: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'sg-ws-root-'));
  outside = await mkdtemp(path.join(tmpdir(), 'sg-ws-out-'));
  await mkdir(path.join(root, 'inner'));
  await symlink(outside, path.join(root, 'escape'));
  await symlink(path.join(root, 'inner'), path.join(root, 'fine'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
  await rm(outside, { recursive: true, force: true });
});

describe('resolveInside', () => {
  it('resolves ordinary relative paths, existing or not', () => {
    expect(resolveInside(root, 'inner/a/b.txt')).toBe(path.join(root, 'inner/a/b.txt'));
    expect(resolveInside(root, './x')).toBe(path.join(root, 'x'));
    expect(resolveInside(root, 'fine/file')).toBe(path.join(root, 'fine/file'));
  });

  it.each(['../x', 'inner/../../x', 'a/..', '/etc/passwd', 'C:\\x', 'a\0b'])('rejects %j', (p) => {
    expect(() => resolveInside(root, p)).toThrow(/invalid fields|Invalid|request/i);
  });

  it('rejects a path that leaves the root through a symlink', () => {
    expect(() => resolveInside(root, 'escape/new.txt')).toThrowError();
    expect(() => resolveInside(root, 'escape')).toThrowError();
  });
});

describe('createSessionDirs', () => {
  it('creates workspace and HOME under the data root', async () => {
    const id = '0b6f0c1e-3a53-4b8e-9d5e-1f0e8b1f9a00';
    const dirs = await createSessionDirs(root, { scenarioSlug: 'todo-app', sessionId: id });
    expect(dirs.workspace).toBe(path.join(root, 'sessions', 'todo-app', id, 'workspace'));
    expect((await stat(dirs.home)).isDirectory()).toBe(true);
    expect((await stat(dirs.workspace)).mode & 0o777).toBe(0o700);
    await dirs.remove();
    await expect(stat(dirs.root)).rejects.toThrow();
  });

  it.each(['../evil', 'Evil', 'a/b', '', 'a--b'])('rejects the slug %j', async (slug) => {
    await expect(
      createSessionDirs(root, {
        scenarioSlug: slug,
        sessionId: '0b6f0c1e-3a53-4b8e-9d5e-1f0e8b1f9a00',
      }),
    ).rejects.toThrow();
  });

  it('rejects a session id that is not a uuid', async () => {
    await expect(
      createSessionDirs(root, { scenarioSlug: 'ok', sessionId: '../../x' }),
    ).rejects.toThrow();
  });
});

describe('markScriptsExecutable', () => {
  it('gives scripts with a shebang the execute bit where they are readable, and nothing else', async () => {
    const { writeFile } = await import('node:fs/promises');
    const dir = await mkdtemp(path.join(tmpdir(), 'sg-exec-'));
    try {
      await mkdir(path.join(dir, 'cli'));
      await writeFile(path.join(dir, 'test.sh'), '#!/usr/bin/env bash\necho ok\n', { mode: 0o644 });
      await writeFile(path.join(dir, 'cli/install.sh'), '#!/bin/sh\n', { mode: 0o600 });
      await writeFile(path.join(dir, 'README.md'), '# not a script\n', { mode: 0o644 });
      const changed = await markScriptsExecutable(dir);
      expect(changed.sort()).toEqual(['cli/install.sh', 'test.sh']);
      expect((await stat(path.join(dir, 'test.sh'))).mode & 0o777).toBe(0o755);
      expect((await stat(path.join(dir, 'cli/install.sh'))).mode & 0o777).toBe(0o700);
      expect((await stat(path.join(dir, 'README.md'))).mode & 0o777).toBe(0o644);
      expect(await markScriptsExecutable(dir)).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
