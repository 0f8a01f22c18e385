import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAgentEnv } from '../env.ts';
import { bash, read, text, write } from '../model-double/script.ts';
import {
  CANARY_KEY,
  startLiveHarness,
  type LiveHarness,
  type LiveSession,
} from '../testing/live.ts';

/** Isolation of a real CLI session: file writes, environment, Bash permissions. */
let h: LiveHarness;
beforeAll(async () => {
  h = await startLiveHarness();
});
afterAll(async () => {
  delete process.env.SG_RUNNER_CANARY;
  await h?.close();
});

function toolResultsOf(s: LiveSession): string[] {
  return h.double.requests
    .filter((r) => r.sessionHeader === s.request.sessionId && r.kind === 'messages')
    .flatMap((r) => r.context?.lastToolResults.map((t) => t.content) ?? []);
}

describe.concurrent('session isolation', { timeout: 180_000 }, () => {
  it('a scripted Write outside the workspace is refused and reported as a permission denial', async () => {
    const outside = path.join(h.root, `outside-${Date.now()}.txt`);
    const s = await h.session([write(outside, 'must not exist'), text('done')]);
    const o = await h.run(s);
    expect(o.class).toBe('success');
    expect(o.permissionDenials).toEqual([{ tool: 'Write', path: outside }]);
    expect(s.events.some((e) => e.kind === 'permission_denied' && e.tool === 'Write')).toBe(true);
    expect(existsSync(outside)).toBe(false);
    expect(h.leftovers(s)).toEqual([]);
  });

  it('a scripted Read outside the workspace is refused (the session HOME blocks it)', async () => {
    const s = await h.session([read('/etc/hostname'), text('done')], { allowedTools: ['Read'] });
    const o = await h.run(s);
    expect(o.class).toBe('success');
    expect(s.events.some((e) => e.kind === 'permission_denied' && e.tool === 'Read')).toBe(true);
    const result = s.events.find((e) => e.kind === 'tool_result');
    expect(result).toMatchObject({ isError: true });
    expect(h.leftovers(s)).toEqual([]);
  });

  it("a canary in the runner's environment is absent from the agent's", async () => {
    process.env.SG_RUNNER_CANARY = 'canary-value-7f3a';
    const s = await h.session([bash('env', 'print the environment'), text('done')], {
      allowedTools: ['Bash(env)'],
    });
    // The real path: the allow-list applied to the runner's whole environment.
    s.request.env = buildAgentEnv({
      ...process.env,
      ANTHROPIC_API_KEY: CANARY_KEY,
      ANTHROPIC_BASE_URL: s.request.env.ANTHROPIC_BASE_URL,
      CLAUDE_CODE_MAX_RETRIES: '1',
    });
    const o = await h.run(s);
    expect(o.class).toBe('success');
    const envDump = toolResultsOf(s).join('\n');
    expect(envDump).toContain(`HOME=${s.home}`);
    expect(envDump).toMatch(/^PATH=/m);
    expect(envDump).not.toContain('SG_RUNNER_CANARY');
    expect(envDump).not.toContain('canary-value-7f3a');
    expect(h.leftovers(s)).toEqual([]);
  });

  it('a scripted Bash call runs only when the allow-list permits it', async () => {
    const noRule = await h.session([bash('touch made-by-bash.txt'), text('done')]);
    const otherRule = await h.session([bash('tee made-by-tee.txt'), text('done')], {
      allowedTools: ['Bash(touch:*)'],
    });
    const allowed = await h.session([bash('touch made-by-bash.txt'), text('done')], {
      allowedTools: ['Bash(touch:*)'],
    });
    const [on, oo, oa] = await Promise.all([h.run(noRule), h.run(otherRule), h.run(allowed)]);
    // No Bash rule: the tool is not even offered to the model, and the call fails.
    expect(
      h.double.requests.find(
        (r) => r.sessionHeader === noRule.request.sessionId && r.kind === 'messages',
      )?.context?.toolNames,
    ).not.toContain('Bash');
    expect(noRule.events.find((e) => e.kind === 'tool_result')).toMatchObject({ isError: true });
    expect(existsSync(path.join(noRule.workspace, 'made-by-bash.txt'))).toBe(false);
    expect(on.class).toBe('success');
    // A rule for another command: refused and reported.
    expect(oo.permissionDenials).toEqual([{ tool: 'Bash' }]);
    expect(existsSync(path.join(otherRule.workspace, 'made-by-tee.txt'))).toBe(false);
    // The matching rule: it runs.
    expect(oa.permissionDenials).toEqual([]);
    expect(existsSync(path.join(allowed.workspace, 'made-by-bash.txt'))).toBe(true);
    for (const s of [noRule, otherRule, allowed]) expect(h.leftovers(s)).toEqual([]);
  });
});
