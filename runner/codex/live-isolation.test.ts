import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listProcesses } from '../agent/proc.ts';
import { handOver } from '../boundary/handover.ts';
import { setUpBoundary } from '../boundary/index.ts';
import { buildAgentEnv } from '../env.ts';
import { bash, stall, text, toolUse, write } from '../model-double/script.ts';
import { CODEX_CANARY_KEY, startCodexHarness, type CodexHarness } from '../testing/codex-live.ts';
import type { LiveSession } from '../testing/live.ts';

/**
 * The real Codex CLI's session control and isolation: wall-clock timeout, cancellation with
 * nothing left running, writes outside the workspace refused (its patch tool and its sandboxed
 * shell), and the runner's environment kept from it.
 */
let h: CodexHarness;
beforeAll(async () => {
  h = await startCodexHarness({ killGraceMs: 1000 });
});
afterAll(async () => {
  delete process.env.SG_RUNNER_CANARY;
  await h?.close();
});

const scriptOf = (s: LiveSession): string =>
  /\/s\/([^/]+)\/v1$/.exec(s.request.env.OPENAI_BASE_URL ?? '')?.[1] ?? '';

function toolOutputs(s: LiveSession): string {
  return h.double.requests
    .filter((r) => r.scriptId === scriptOf(s) && r.kind === 'messages')
    .flatMap((r) => r.context?.lastToolResults.map((t) => t.content) ?? [])
    .join('\n');
}

async function waitFor(cond: () => boolean, ms = 60_000): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A command the CLI leaves running in its own PTY session, then a stalled stream. */
const background = (marker: string) => [
  toolUse('exec_command', { cmd: `sleep 300 # ${marker}`, yield_time_ms: 300 }),
  stall(),
];

describe('Codex CLI session control and isolation', { timeout: 120_000 }, () => {
  it('the wall-clock limit → timed_out; a command it left running dies with it', async () => {
    const marker = `sg-cx-bg-${Date.now()}`;
    const s = await h.session(background(marker), { timeoutMs: 5000, idleTimeoutMs: 60_000 });
    const run = h.run(s);
    await waitFor(() => listProcesses().some((p) => p.cmdline.includes(marker)));
    const o = await run;
    expect(o.class).toBe('timed_out');
    expect(o.durationMs).toBeGreaterThanOrEqual(5000);
    expect(h.leftovers(s)).toEqual([]);
    expect(listProcesses().filter((p) => p.cmdline.includes(marker))).toEqual([]);
  });

  it('an AbortSignal → cancelled, whole tree killed', async () => {
    const ac = new AbortController();
    const marker = `sg-cx-cancel-${Date.now()}`;
    const s = await h.session(background(marker), { signal: ac.signal });
    const run = h.run(s);
    await waitFor(() =>
      h.double.requests.some((r) => r.scriptId === scriptOf(s) && r.answered === 'stall'),
    );
    expect(listProcesses().some((p) => p.cmdline.includes(marker))).toBe(true);
    ac.abort();
    const o = await run;
    expect(o).toMatchObject({ class: 'cancelled', retryable: false });
    expect(h.leftovers(s)).toEqual([]);
    expect(listProcesses().filter((p) => p.cmdline.includes(marker))).toEqual([]);
  });

  it('an already aborted signal starts nothing', async () => {
    const s = await h.session([text('never')], { signal: AbortSignal.abort() });
    expect((await h.run(s)).class).toBe('cancelled');
    expect(s.events).toEqual([]);
  });

  it('a stalled stream → idle_timeout', async () => {
    const s = await h.session([stall()], { idleTimeoutMs: 4000 });
    const o = await h.run(s);
    expect(o.class).toBe('idle_timeout');
    expect(h.leftovers(s)).toEqual([]);
  });

  it('writes outside the workspace are refused: patch (absolute, ../) and sandboxed shell', async () => {
    const tag = Date.now();
    const abs = path.join(h.root, `abs-${tag}.txt`);
    const s = await h.session([
      write(abs, 'escaped'),
      write(`../../rel-${tag}.txt`, 'escaped'),
      bash(
        `echo escaped > ${path.join(h.root, `sh-${tag}.txt`)}; echo escaped > /tmp/sg-cx-${tag}.txt`,
      ),
      write('inside.txt', 'fine\n'),
      text('done'),
    ]);
    const o = await h.run(s);
    expect(o.class).toBe('success');
    for (const p of [
      abs,
      path.resolve(s.workspace, `../../rel-${tag}.txt`),
      path.join(h.root, `sh-${tag}.txt`),
      `/tmp/sg-cx-${tag}.txt`,
    ])
      expect(existsSync(p)).toBe(false);
    expect(existsSync(path.join(s.workspace, 'inside.txt'))).toBe(true);
    const out = toolOutputs(s);
    expect(out).toContain('patch rejected');
    expect(out).toContain('Read-only file system');
    // Each refusal is a permission denial with the path it aimed at, as Claude Code's are.
    expect(o.permissionDenials).toEqual([
      { tool: 'apply_patch', path: abs },
      { tool: 'apply_patch', path: path.resolve(s.workspace, `../../rel-${tag}.txt`) },
      { tool: 'exec_command', path: path.join(h.root, `sh-${tag}.txt`) },
      { tool: 'exec_command', path: `/tmp/sg-cx-${tag}.txt` },
    ]);
    expect(h.leftovers(s)).toEqual([]);
  });

  it("a canary in the runner's environment is absent from the agent's", async () => {
    process.env.SG_RUNNER_CANARY = 'canary-value-9c1e';
    const s = await h.session([bash('env'), text('done')]);
    s.request.env = buildAgentEnv({
      ...process.env,
      OPENAI_API_KEY: CODEX_CANARY_KEY,
      OPENAI_BASE_URL: s.request.env.OPENAI_BASE_URL,
    });
    const o = await h.run(s);
    expect(o.class).toBe('success');
    const dump = toolOutputs(s);
    expect(dump).toContain(`HOME=${s.home}`);
    expect(dump).toMatch(/^PATH=/m);
    expect(dump).not.toContain('canary-value-9c1e');
    expect(dump).not.toContain('SG_RUNNER_CANARY');
    // Codex keeps its own API key out of the commands it runs.
    expect(dump).not.toContain(CODEX_CANARY_KEY);
    expect(h.leftovers(s)).toEqual([]);
  });

  it.skipIf(process.getuid?.() !== 0)(
    'as the agent user (the operating-system boundary): inside works, outside is refused',
    async () => {
      const { runAs } = await setUpBoundary('scenario-agent');
      expect(runAs).toBeDefined();
      const tag = Date.now();
      const s = await h.session([
        write(path.join(h.root, `os-${tag}.txt`), 'escaped'),
        bash(`id -u; echo escaped > ${path.join(h.root, `os-sh-${tag}.txt`)}`),
        write('inside.txt', 'fine\n'),
        text('done'),
      ]);
      await handOver(path.dirname(s.workspace), runAs);
      s.request.runAs = runAs;
      const o = await h.run(s);
      expect(o.class).toBe('success');
      expect(existsSync(path.join(s.workspace, 'inside.txt'))).toBe(true);
      expect(existsSync(path.join(h.root, `os-${tag}.txt`))).toBe(false);
      expect(existsSync(path.join(h.root, `os-sh-${tag}.txt`))).toBe(false);
      expect(toolOutputs(s)).toContain(String(runAs?.uid));
      expect(h.leftovers(s)).toEqual([]);
    },
  );
});
