import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClaudeCodeAgent } from '../claude/adapter.ts';
import { edit, read, text, write } from '../model-double/script.ts';
import { startLiveHarness, type LiveHarness, type LiveSession } from '../testing/live.ts';
import { handOver } from './handover.ts';
import { setUpBoundary, type RunnerBoundary } from './index.ts';

/**
 * The operating-system layer on its own: the permission layer is switched off on purpose (bare
 * `Write`/`Edit` forced onto the command line, which args.ts would refuse), so only the agent
 * user stands between the model and the server's files. Run as root, as CI does.
 */
const asRoot = process.getuid?.() === 0;
const SITE_BUILD = path.resolve(import.meta.dirname, '..', '..', 'site', 'build');

let h: LiveHarness;
let outside: string;
let boundary: RunnerBoundary;
beforeAll(async () => {
  h = await startLiveHarness();
  boundary = await setUpBoundary('scenario-agent');
  outside = await mkdtemp(path.join(tmpdir(), 'sg-outside-'));
  await chmod(outside, 0o755); // reachable, as the server's folders are, but not writable
  await writeFile(path.join(outside, 'existing.txt'), 'original\n');
});
afterAll(async () => {
  await h?.close();
  await rm(outside, { recursive: true, force: true });
});

const permissive = createClaudeCodeAgent({
  killGraceMs: 1500,
  extraArgs: ['--allowedTools', 'Write', 'Edit', 'Read'],
});

async function attempt(s: LiveSession, runAs?: RunnerBoundary['runAs']) {
  await symlink(outside, path.join(s.workspace, 'link'));
  if (runAs) {
    await handOver(path.dirname(s.workspace), runAs);
    s.request.runAs = runAs;
  }
  return h.run(s, permissive);
}

function escapeScript(tag: string) {
  return [
    write(path.join(outside, `abs-${tag}.txt`), 'escaped'),
    write(`../../rel-${tag}.txt`, 'escaped'),
    write(`link/link-${tag}.txt`, 'escaped'),
    write(path.join(SITE_BUILD, `escape-${tag}.html`), '<script>alert(1)</script>'),
    read(path.join(outside, 'existing.txt')),
    edit(path.join(outside, 'existing.txt'), 'original', `edited-${tag}`),
    write('inside.txt', 'fine'),
    text('done'),
  ];
}

function landed(s: LiveSession, tag: string): string[] {
  return [
    path.join(outside, `abs-${tag}.txt`),
    path.resolve(s.workspace, `../../rel-${tag}.txt`),
    path.join(outside, `link-${tag}.txt`),
    path.join(SITE_BUILD, `escape-${tag}.html`),
  ].filter((p) => existsSync(p));
}

describe.skipIf(!asRoot)('the agent user, with the permission layer switched off', () => {
  it('control: as the server user, the same session writes outside (so the test can fail)', async () => {
    await rm(path.join(SITE_BUILD, 'escape-control.html'), { force: true });
    const s = await h.session(escapeScript('control'));
    const o = await attempt(s);
    expect(o.class).toBe('success');
    const hits = landed(s, 'control');
    // The CLI refuses a write through a symlink even when Write is pre-approved; the rest land.
    expect(hits).toEqual([
      path.join(outside, 'abs-control.txt'),
      path.resolve(s.workspace, '../../rel-control.txt'),
      path.join(SITE_BUILD, 'escape-control.html'),
    ]);
    for (const p of hits) await rm(p, { force: true });
    await writeFile(path.join(outside, 'existing.txt'), 'original\n');
  }, 120_000);

  it('as the agent user, nothing lands outside: absolute, ../, symlink, site folder, Edit', async () => {
    expect(boundary.runAs).toBeDefined();
    const s = await h.session(escapeScript('agent'));
    const o = await attempt(s, boundary.runAs);
    expect(o.class).toBe('success');
    expect(landed(s, 'agent')).toEqual([]);
    expect(readFileSync(path.join(outside, 'existing.txt'), 'utf8')).toBe('original\n');
    // Inside the workspace the agent still works.
    expect(readFileSync(path.join(s.workspace, 'inside.txt'), 'utf8')).toBe('fine');
    // Each refused write came back to the model as a failed tool call.
    const failed = s.events.filter((e) => e.kind === 'tool_result' && e.isError);
    expect(failed.length).toBeGreaterThanOrEqual(5);
    expect(h.leftovers(s)).toEqual([]);
  }, 120_000);
});
