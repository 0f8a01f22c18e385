import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCampaign, updateCampaign } from '../../db/campaigns.ts';
import { listInteractions } from '../../db/interactions.ts';
import { outcomeRows } from '../../db/learning-stats.ts';
import { putSetting } from '../../db/settings.ts';
import { createPipelineHarness, type PipelineHarness } from './harness.ts';

/**
 * The agent is chosen per scenario, else per campaign, else globally (AGENT): the same pipeline
 * runs Claude Code for one run and Codex CLI for another, and each session records which.
 */
describe('pipeline: which agent runs a scenario', () => {
  let h: PipelineHarness;
  beforeAll(async () => {
    h = await createPipelineHarness();
  });
  afterAll(() => h?.close());

  const agentsOf = async (scenarioOverrides: Parameters<PipelineHarness['newScenario']>[0]) => {
    const s = await h.newScenario(scenarioOverrides);
    const run = (await h.pipeline.control.generate(s.id, 'test')) as { id: string };
    const done = await h.waitFor(s.id, ['deployed', 'failed', 'cancelled'], 300_000);
    expect(done.status, done.error ?? '').toBe('deployed');
    return [...new Set((await listInteractions(h.db.sql, run.id)).map((i) => i.agent))];
  };

  it('the scenario names one: codex, though AGENT is claude-code', async () => {
    expect(
      await agentsOf({
        config: {
          planningIterations: 1,
          implementationIterations: 1,
          validationFixes: 1,
          agent: 'codex',
        },
      }),
    ).toEqual(['codex']);
    // Codex got the shared prompt plus its tool note; Claude Code's prompts carry none.
    const prompts = h.double.requests.map((r) => r.context?.prompt ?? '');
    expect(prompts.some((p) => p.includes('## Notes for your tools'))).toBe(true);
  }, 320_000);

  it("the campaign's default applies when the scenario names none; AGENT otherwise", async () => {
    const campaign = await createCampaign(h.db.sql, { name: 'Codex campaign' }, 'test');
    await updateCampaign(h.db.sql, campaign.id, { defaultAgent: 'codex' }, 'test');
    const config = { planningIterations: 1, implementationIterations: 1, validationFixes: 1 };
    expect(await agentsOf({ campaignId: campaign.id, config })).toEqual(['codex']);
    const before = h.double.requests.length;
    expect(await agentsOf({ config })).toEqual(['claude-code']);
    const claudePrompts = h.double.requests.slice(before).map((r) => r.context?.prompt ?? '');
    expect(claudePrompts.filter(Boolean).length).toBeGreaterThan(0);
    expect(claudePrompts.some((p) => p.includes('## Notes for your tools'))).toBe(false);
  }, 320_000);

  it('analytics split outcomes by agent', async () => {
    const rows = await outcomeRows(h.db.sql, {
      campaignId: undefined,
      from: new Date(Date.now() - 86_400_000),
      to: new Date(Date.now() + 60_000),
    });
    const byAgent = Object.fromEntries(
      rows.filter((r) => r.dim === 'agent').map((r) => [r.key, r.runs]),
    );
    expect(byAgent).toEqual({ codex: 2, 'claude-code': 1 });
  });

  it("the settings page's default agent applies below the scenario's and the campaign's", async () => {
    await putSetting(h.db.sql, 'defaults', { agent: 'codex' }, 'test');
    try {
      const config = { planningIterations: 1, implementationIterations: 1, validationFixes: 1 };
      expect(await agentsOf({ config })).toEqual(['codex']);
      const campaign = await createCampaign(h.db.sql, { name: 'Claude campaign' }, 'test');
      await updateCampaign(h.db.sql, campaign.id, { defaultAgent: 'claude-code' }, 'test');
      expect(await agentsOf({ campaignId: campaign.id, config })).toEqual(['claude-code']);
    } finally {
      await putSetting(h.db.sql, 'defaults', {}, 'test');
    }
  }, 320_000);
});
