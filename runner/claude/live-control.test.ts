import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listProcesses } from '../agent/proc.ts';
import { httpError, stall, text, toolUse } from '../model-double/script.ts';
import { startLiveHarness, type LiveHarness } from '../testing/live.ts';

/**
 * Control of a real CLI process: wall-clock timeout, idle timeout on a stalled stream (API
 * retry waits count as activity), cancellation, a crash, and the whole process tree gone after
 * each.
 */
let h: LiveHarness;
beforeAll(async () => {
  h = await startLiveHarness({ killGraceMs: 1000 });
});
afterAll(async () => {
  await h?.close();
});

describe.concurrent('session control', { timeout: 180_000 }, () => {
  it('a stalled stream → idle_timeout; a background child of the agent dies with it', async () => {
    const marker = `sg-bg-${Date.now()}`;
    const s = await h.session(
      [
        toolUse('Bash', {
          command: `sleep 300 # ${marker}`,
          description: 'wait',
          run_in_background: true,
        }),
        stall(),
      ],
      { idleTimeoutMs: 6000, allowedTools: ['Bash(sleep:*)'] },
    );
    const run = h.run(s);
    // The background child really runs while the session does (in a process group of its own)…
    await waitFor(() => listProcesses().some((p) => p.cmdline.includes(marker)));
    const o = await run;
    expect(o.class).toBe('idle_timeout');
    expect(o.retryable).toBe(true);
    expect(s.events.find((e) => e.kind === 'tool_result')).toMatchObject({ isError: false });
    // …and is gone with it.
    expect(h.leftovers(s)).toEqual([]);
    expect(listProcesses().filter((p) => p.cmdline.includes(marker))).toEqual([]);
  });

  it('the wall-clock limit → timed_out', async () => {
    const s = await h.session([stall()], { timeoutMs: 4000, idleTimeoutMs: 60_000 });
    const o = await h.run(s);
    expect(o.class).toBe('timed_out');
    expect(o.durationMs).toBeGreaterThanOrEqual(4000);
    expect(o.durationMs).toBeLessThan(15_000);
    expect(h.leftovers(s)).toEqual([]);
  });

  it('an announced API retry wait is activity, not idleness', async () => {
    // The CLI honours retry-after: it waits ~8 s, longer than the idle limit, then ends with 429.
    const s = await h.session([httpError(429, { 'retry-after': '8' })], { idleTimeoutMs: 5000 });
    const o = await h.run(s);
    expect(s.events.find((e) => e.kind === 'api_retry')).toMatchObject({ status: 429 });
    expect(o.class).toBe('usage_limit');
    expect(o.durationMs).toBeGreaterThan(8000);
    expect(h.leftovers(s)).toEqual([]);
  });

  it('an AbortSignal → cancelled, whole tree killed', async () => {
    const ac = new AbortController();
    const s = await h.session([stall()], { signal: ac.signal });
    const run = h.run(s);
    await waitFor(() =>
      h.double.requests.some(
        (r) => r.sessionHeader === s.request.sessionId && r.answered === 'stall',
      ),
    );
    ac.abort();
    const o = await run;
    expect(o.class).toBe('cancelled');
    expect(o.retryable).toBe(false);
    expect(h.leftovers(s)).toEqual([]);
  });

  it('an already aborted signal starts nothing', async () => {
    const s = await h.session([text('never')], { signal: AbortSignal.abort() });
    const o = await h.run(s);
    expect(o.class).toBe('cancelled');
    expect(s.events).toEqual([]);
  });

  it('the CLI killed by a signal from outside → crashed; what it started is stopped anyway', async () => {
    const marker = `sg-orphan-${Date.now()}`;
    const s = await h.session(
      [
        toolUse('Bash', {
          command: `sleep 300 # ${marker}`,
          description: 'wait',
          run_in_background: true,
        }),
        stall(),
      ],
      {
        allowedTools: ['Bash(sleep:*)'],
      },
    );
    const run = h.run(s);
    await waitFor(() => listProcesses().some((p) => p.cmdline.includes(marker)));
    // SIGKILL gives the CLI no chance to clean up its background task.
    process.kill(s.pid as number, 'SIGKILL');
    const o = await run;
    expect(o).toMatchObject({ class: 'crashed', retryable: true, exitCode: null });
    expect(o.message).toContain('SIGKILL');
    expect(h.leftovers(s)).toEqual([]);
    expect(listProcesses().filter((p) => p.cmdline.includes(marker))).toEqual([]);
  });
});

async function waitFor(cond: () => boolean, ms = 120_000): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
