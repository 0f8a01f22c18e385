import { describe, expect, it } from 'vitest';
import type { AgentSessionRequest } from '../agent/port.ts';
import { buildClaudeArgs } from './args.ts';

const base: AgentSessionRequest = {
  sessionId: '0b6f0c1e-3a53-4b8e-9d5e-1f0e8b1f9a00',
  workspace: '/w',
  home: '/h',
  prompt: '--not-a-flag',
  timeoutMs: 1000,
  idleTimeoutMs: 1000,
  env: {},
};

describe('buildClaudeArgs', () => {
  it('builds the headless argv; the prompt is never an argument', () => {
    const args = buildClaudeArgs({
      ...base,
      model: 'claude-sonnet-5-5',
      maxTurns: 7,
      maxBudgetUsd: 1.5,
      appendSystemPrompt: '-x starts with a dash',
      jsonSchema: { type: 'object' },
      allowedTools: ['Write(./src/**)', 'Bash(npm test:*)'],
      disallowedTools: ['WebFetch'],
    });
    expect(args).toEqual([
      '-p',
      '--output-format',
      'stream-json',
      '--verbose',
      '--session-id',
      base.sessionId,
      '--permission-mode',
      'acceptEdits',
      '--model',
      'claude-sonnet-5-5',
      '--max-turns',
      '7',
      '--max-budget-usd',
      '1.5',
      '--append-system-prompt=-x starts with a dash',
      '--json-schema={"type":"object"}',
      '--disallowedTools',
      'WebFetch',
      '--allowedTools',
      'Write(./src/**)',
      'Bash(npm test:*)',
    ]);
    expect(args).not.toContain('--not-a-flag');
    expect(args).not.toContain('Bash');
    expect(args.join(' ')).not.toMatch(/bypassPermissions|dangerously/);
  });

  it('removes Bash unless an explicit Bash rule allows it', () => {
    expect(buildClaudeArgs({ ...base, allowedTools: ['Read'] }).slice(-4)).toEqual([
      '--disallowedTools',
      'Bash',
      '--allowedTools',
      'Read',
    ]);
    expect(buildClaudeArgs(base).slice(-2)).toEqual(['--disallowedTools', 'Bash']);
  });

  it.each([
    [{ allowedTools: ['Bash'] }, /Bash is only allowed through explicit rules/],
    [{ allowedTools: ['--evil'] }, /not a tool rule/],
    // Bare write tools pre-approve writes anywhere; scopes must stay inside the workspace.
    [{ allowedTools: ['Write'] }, /Write may only be pre-approved for paths inside/],
    [{ allowedTools: ['Edit'] }, /Edit may only be pre-approved/],
    [{ allowedTools: ['MultiEdit'] }, /MultiEdit may only be pre-approved/],
    [{ allowedTools: ['NotebookEdit'] }, /NotebookEdit may only be pre-approved/],
    [{ allowedTools: ['Write(//srv/**)'] }, /Write may only be pre-approved/],
    [{ allowedTools: ['Write(~/x)'] }, /Write may only be pre-approved/],
    [{ allowedTools: ['Edit(./../x)'] }, /Edit may only be pre-approved/],
    [{ allowedTools: ['Edit(./a/../../x)'] }, /Edit may only be pre-approved/],
    [{ sessionId: 'abc' }, /uuid/],
    [{ model: '--x' }, /model/],
    [{ maxTurns: 0 }, /maxTurns/],
    [{ maxBudgetUsd: -1 }, /maxBudgetUsd/],
  ])('refuses %j', (patch, re) => {
    expect(() => buildClaudeArgs({ ...base, ...patch } as AgentSessionRequest)).toThrow(re);
  });
});

describe('buildClaudeArgs with Bash rules', () => {
  it('leaves Bash available when a rule allows it, and never emits an empty variadic flag', () => {
    const args = buildClaudeArgs({ ...base, allowedTools: ['Bash(env)'] });
    expect(args.slice(-3)).toEqual(['acceptEdits', '--allowedTools', 'Bash(env)']);
    expect(args).not.toContain('--disallowedTools');
  });
});
