import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundledClaudeCandidates, findClaudeBinary } from './binary.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sg-bin-'));
  await writeFile(path.join(dir, 'claude'), '#!/bin/sh\n');
  await chmod(path.join(dir, 'claude'), 0o755);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('findClaudeBinary', () => {
  it('prefers claude on the given PATH', () => {
    expect(findClaudeBinary({ pathEnv: `/nonexistent:${dir}` })).toBe(path.join(dir, 'claude'));
  });

  it("falls back to the project's own dependency (the native binary)", () => {
    const found = findClaudeBinary({ pathEnv: '/nonexistent' });
    expect(bundledClaudeCandidates()).toContain(found);
    expect(found).toMatch(/@anthropic-ai\/claude-code/);
  });

  it('says what to do when an explicit binary is not usable', () => {
    expect(() => findClaudeBinary({ binary: path.join(dir, 'missing') })).toThrow(/not executable/);
  });
});
