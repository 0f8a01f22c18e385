import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startModelDouble, type ModelDouble } from '../../runner/model-double/server.ts';
import { text, write } from '../../runner/model-double/script.ts';
import type { CliIo } from '../command.ts';
import { command } from './agent.ts';

/** `scenario-gen agent` runs the real CLI against the model double. */
const KEY = 'sk-ant-test-CANARY-123';
let double: ModelDouble;
let dir: string;
beforeAll(async () => {
  double = await startModelDouble();
  dir = await mkdtemp(path.join(tmpdir(), 'sg-agent-cmd-'));
});
afterAll(async () => {
  await double?.close();
  await rm(dir, { recursive: true, force: true });
});

async function invoke(args: string[], env: Record<string, string>) {
  let out = '';
  let err = '';
  const io: CliIo = {
    stdout: (t) => (out += t),
    stderr: (t) => (err += t),
    env,
    signal: new AbortController().signal,
  };
  const code = await command.run(args, io);
  return { code, out, err };
}

async function setup(name: string) {
  const ws = path.join(dir, name);
  await mkdir(ws);
  const promptFile = path.join(dir, `${name}.md`);
  await writeFile(promptFile, 'Write the greeting.');
  return { ws, promptFile };
}

describe.concurrent('scenario-gen agent', { timeout: 180_000 }, () => {
  it('prints the outcome as JSON and exits 0 on success', async () => {
    const { ws, promptFile } = await setup('ok');
    const base = double.register('ok', [write('greeting.txt', 'hi\n'), text('Done.')]);
    const r = await invoke(
      ['--prompt-file', promptFile, '--workspace', ws, '--max-turns', '4', '--json'],
      {
        PATH: '/usr/local/bin:/usr/bin:/bin',
        ANTHROPIC_API_KEY: KEY,
        ANTHROPIC_BASE_URL: base,
        CLAUDE_CODE_MAX_RETRIES: '1',
        SG_NOT_FOR_AGENT: 'canary',
      },
    );
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ class: 'success', turns: 2, resultText: 'Done.' });
    expect(await readFile(path.join(ws, 'greeting.txt'), 'utf8')).toBe('hi\n');
    expect(r.err).toContain('tool Write');
    expect(r.out + r.err).not.toContain(KEY);
    expect(
      double.requests.find((q) => q.scriptId === 'ok' && q.kind === 'messages')?.context?.prompt,
    ).toBe('Write the greeting.');
  });

  it('not authenticated: exit 1 and the setup-token hint for a logged-in user', async () => {
    const { ws, promptFile } = await setup('noauth');
    const home = path.join(dir, 'user-home');
    await mkdir(path.join(home, '.claude'), { recursive: true });
    const r = await invoke(['--prompt-file', promptFile, '--workspace', ws], {
      PATH: '/usr/local/bin:/usr/bin:/bin',
      HOME: home,
      CLAUDE_CODE_MAX_RETRIES: '1',
    });
    expect(r.code).toBe(1);
    expect(r.out).toContain('outcome: not_authenticated');
    expect(r.err).toContain('claude setup-token');
    expect(r.err).toContain('CLAUDE_CODE_OAUTH_TOKEN');
  });

  it('usage errors exit 2', async () => {
    const r = await invoke(
      ['--prompt-file', path.join(dir, 'x.md'), '--workspace', path.join(dir, 'missing')],
      { PATH: '/usr/bin:/bin' },
    );
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/not an existing folder/);
    expect((await invoke(['--bogus'], {})).code).toBe(2);
  });
});
