import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

/**
 * A quiet install (issue 14 item 22): nothing `npm install` prints should need the user's
 * attention when nothing is wrong. Measured on a fresh clone: 84 lines before (35 of npm's
 * EBADENGINE warnings, printed because npm runs on the machine's Node 20, and SvelteKit's
 * tsconfig warning three times with raw colour codes), 7 after (the site build and a summary).
 */
const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '..');
const BIN = path.join(ROOT, 'node_modules', '.bin');

describe('a quiet install', () => {
  it('keeps npm to errors, without funding notices or an audit, in this project', async () => {
    // As a user's shell would: without the npm_config_* variables an npm script passes down.
    const env = Object.fromEntries(
      Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith('npm_config_')),
    );
    const get = async (key: string) =>
      (await run('npm', ['config', 'get', key], { cwd: ROOT, env })).stdout.trim();
    expect(await get('loglevel')).toBe('error');
    expect(await get('fund')).toBe('false');
    expect(await get('audit')).toBe('false');
  });

  it('builds the site without a SvelteKit tsconfig warning', async () => {
    // `svelte-kit sync` is the step of the site build (prepare) that validates the tsconfig.
    const { stdout, stderr } = await run(path.join(BIN, 'svelte-kit'), ['sync'], {
      cwd: path.join(ROOT, 'site'),
    });
    expect(stdout + stderr).toBe('');
  });
});
