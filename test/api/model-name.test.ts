import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildClaudeArgs } from '../../runner/claude/args.ts';
import { createTestApp, type TestApp } from '../support/app.ts';

/** Names on both sides of the one rule: a letter or digit first, then letters, digits and `._:-[]`. */
const GOOD = ['claude-sonnet-4-5', 'claude-sonnet-4-5[1m]', 'us.anthropic.claude-3-7:0', '4o', 'x'];
const BAD = [
  '--dangerously-skip-permissions',
  '-x',
  '.hidden',
  '_x',
  '[1m]',
  ':0',
  'claude sonnet',
  'x'.repeat(101),
  '',
];

function runnerAccepts(model: string): boolean {
  try {
    buildClaudeArgs({
      sessionId: '0b6f0c1e-3a53-4b8e-9d5e-1f0e8b1f9a00',
      workspace: '/w',
      home: '/h',
      prompt: 'p',
      timeoutMs: 1000,
      idleTimeoutMs: 1000,
      env: {},
      model,
    });
    return true;
  } catch {
    return false;
  }
}

describe('model names: one rule at the edge and in the runner', () => {
  let t: TestApp;
  let campaignId: string;
  beforeAll(async () => {
    t = await createTestApp();
    campaignId = (await t.call('POST', '/api/campaigns', { name: 'Models' })).json.id;
  });
  afterAll(() => t.close());

  it('the API refuses a model name that would be read as a CLI flag, on create and on update', async () => {
    const created = await t.call('POST', '/api/scenarios', {
      campaignId,
      title: 'Flag as model',
      request: 'r',
      config: { model: '--dangerously-skip-permissions' },
    });
    expect(created.status).toBe(400);
    expect(created.json.errors).toEqual([
      { field: 'body.config.model', message: expect.stringContaining('a letter or digit first') },
    ]);

    const ok = await t.call('POST', '/api/scenarios', {
      campaignId,
      title: 'Good model',
      request: 'r',
      config: { model: 'claude-sonnet-4-5[1m]' },
    });
    expect(ok.status).toBe(201);
    const patched = await t.call('PATCH', `/api/scenarios/${ok.json.id}`, {
      config: { model: '-x' },
    });
    expect(patched.status).toBe(400);
    expect(patched.json.errors.map((e: { field: string }) => e.field)).toEqual([
      'body.config.model',
    ]);
  });

  it('accepts exactly the names the runner accepts', async () => {
    for (const model of [...GOOD, ...BAD]) {
      const r = await t.call('POST', '/api/scenarios', {
        campaignId,
        title: `Model ${model.slice(0, 20)}`,
        request: 'r',
        config: { model },
      });
      const api = r.status === 201;
      expect({ model, api, runner: runnerAccepts(model) }).toEqual({
        model,
        api: GOOD.includes(model),
        runner: GOOD.includes(model),
      });
    }
  });
});
