import { Hono } from 'hono';
import * as v from 'valibot';
import { COMPLEXITIES, DEFAULT_CONFIG } from '../../core/domain.ts';
import { SECRET_NAMES } from '../../core/secrets/names.ts';
import { analytics } from '../../db/analytics.ts';
import { getSetting, putSetting } from '../../db/settings.ts';
import { uuid } from '../schemas/common.ts';
import { DEFAULT_BUDGETS } from '../../core/budget.ts';
import { listTemplates } from '../../prompts/render.ts';
import { listProfiles } from '../../runner/validate/index.ts';
import type { AppDeps, AppEnv } from '../deps.ts';
import { readJson, readQuery } from '../input.ts';

/**
 * GET /api/settings: defaults for new scenarios, per-complexity session budgets (defaults merged
 * with the stored overrides), the concurrency the server started with (read-only), and the
 * prompt templates with their versions (read-only), and where each secret setting came from
 * (env, file, vault, unset; never a value). PATCH /api/settings changes the budgets.
 * GET /api/profiles lists the target formats; GET /api/analytics the success metrics.
 */
const range = (min: number, max: number, integer = true) => {
  const msg = `must be a ${integer ? 'whole number' : 'number'} from ${min} to ${max}`;
  return v.optional(
    v.pipe(
      v.number(msg),
      v.check((n) => !integer || Number.isInteger(n), msg),
      v.minValue(min, msg),
      v.maxValue(max, msg),
    ),
  );
};
const budget = v.strictObject({
  maxTurns: range(1, 200),
  maxBudgetUsd: range(0.01, 50, false),
  timeoutMs: range(10_000, 4 * 3_600_000),
  idleTimeoutMs: range(5_000, 3_600_000),
});
const SettingsPatch = v.strictObject({
  budgets: v.strictObject(
    Object.fromEntries(COMPLEXITIES.map((c) => [c, v.optional(budget)])) as Record<
      (typeof COMPLEXITIES)[number],
      v.OptionalSchema<typeof budget, undefined>
    >,
  ),
});

export function settingsRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const view = async () => {
    const overrides = (await getSetting<Record<string, object>>(deps.sql, 'budgets')) ?? {};
    return {
      defaults: {
        profile: deps.config.DEFAULT_PROFILE,
        model: deps.config.AGENT_MODEL,
        iterations: DEFAULT_CONFIG,
      },
      budgets: Object.fromEntries(
        COMPLEXITIES.map((c) => [c, { ...DEFAULT_BUDGETS[c], ...(overrides[c] ?? {}) }]),
      ),
      concurrency: {
        global: deps.config.RUN_CONCURRENCY,
        perCampaign: deps.config.CAMPAIGN_CONCURRENCY,
      },
      deploy: {
        target: deps.config.DEPLOY_TARGET,
        externalValidator: Boolean(deps.config.EXTERNAL_VALIDATOR),
      },
      secrets: SECRET_NAMES.map((name) => ({ name, source: deps.config.secretSources[name] })),
      templates: listTemplates().map((t) => ({
        name: t.name,
        version: t.version,
        placeholders: t.placeholders,
        text: t.text,
      })),
    };
  };
  app.get('/settings', async (c) => c.json(await view()));
  app.patch('/settings', async (c) => {
    const body = await readJson(c, SettingsPatch);
    const current = (await getSetting<Record<string, object>>(deps.sql, 'budgets')) ?? {};
    const next = { ...current };
    for (const [k, val] of Object.entries(body.budgets))
      if (val) next[k] = { ...(current[k] ?? {}), ...val };
    await putSetting(deps.sql, 'budgets', next, c.get('actor'));
    return c.json(await view());
  });
  app.get('/analytics', async (c) => {
    const q = readQuery(c, v.strictObject({ campaign: v.optional(uuid) }));
    return c.json(await analytics(deps.sql, q.campaign ? { campaignId: q.campaign } : {}));
  });
  app.get('/profiles', (c) =>
    c.json({
      items: listProfiles().map((p) => ({
        id: p.id,
        version: p.version,
        description: p.description,
      })),
      default: deps.config.DEFAULT_PROFILE,
    }),
  );
  return app;
}
