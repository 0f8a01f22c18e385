import { Hono } from 'hono';
import { COMPLEXITIES, type Complexity } from '../../core/domain.ts';
import { InvalidInputError } from '../../core/errors.ts';
import { iterationDefaults, type ServerDefaults } from '../../core/server-defaults.ts';
import { DEMO_MODEL_NAME } from '../../core/model-name.ts';
import { SECRET_NAMES } from '../../core/secrets/names.ts';
import { analytics } from '../../db/analytics.ts';
import { getSetting, putSetting, serverDefaults } from '../../db/settings.ts';
import { spendCaps, type SpendCaps } from '../../db/spend.ts';
import { DEFAULT_BUDGETS, type BudgetOverrides, type SessionBudget } from '../../core/budget.ts';
import { listTemplates } from '../../prompts/render.ts';
import { isProfileId, listProfileInfo } from '../../runner/validate/catalogue.ts';
import {
  Analytics,
  AnalyticsQuery,
  Profiles,
  Settings,
  SettingsPatch,
} from '../contract/settings.ts';
import type { AppDeps, AppEnv } from '../deps.ts';
import { readJson, readQuery } from '../input.ts';
import { route } from '../openapi/route-spec.ts';
import { reply } from '../reply.ts';

/**
 * GET /api/settings: defaults for new scenarios, per-complexity session budgets (defaults merged
 * with the stored overrides), the concurrency the server started with (read-only), and the
 * prompt templates with their versions (read-only), and where each secret setting came from
 * (env, file, vault, unset; never a value). PATCH /api/settings changes the budgets, the
 * defaults (stored, audited, read where used: the next scenario or run has them without a
 * restart) and the concurrency (at the next start: it sizes the executor).
 * GET /api/profiles lists the target formats; GET /api/analytics the success metrics.
 */
/** What each route takes and answers (GET /api/openapi.json). */
export const settingsApi = [
  route('get', '/api/settings', 'Defaults, budgets, concurrency, secrets sources, templates', {
    responses: { 200: Settings },
  }),
  route('patch', '/api/settings', 'Change budgets, defaults and concurrency', {
    body: SettingsPatch,
    responses: { 200: Settings },
  }),
  route('get', '/api/analytics', 'Success metrics, recent runs, frequent errors', {
    query: AnalyticsQuery,
    responses: { 200: Analytics },
  }),
  route('get', '/api/profiles', 'The target formats', { responses: { 200: Profiles } }),
];

const budgetsOf = (overrides: BudgetOverrides): Record<Complexity, SessionBudget> => ({
  simple: { ...DEFAULT_BUDGETS.simple, ...overrides.simple },
  intermediate: { ...DEFAULT_BUDGETS.intermediate, ...overrides.intermediate },
  advanced: { ...DEFAULT_BUDGETS.advanced, ...overrides.advanced },
});

export function settingsRoutes(deps: Pick<AppDeps, 'sql' | 'config' | 'meta'>): Hono<AppEnv> {
  const { sql, config } = deps;
  const app = new Hono<AppEnv>();
  const overrides = async () => (await getSetting<BudgetOverrides>(sql, 'budgets')) ?? {};
  const view = async () => {
    const d = await serverDefaults(sql);
    const caps = await spendCaps(sql);
    const global = d.concurrency?.global ?? config.RUN_CONCURRENCY;
    const perCampaign = d.concurrency?.perCampaign ?? config.CAMPAIGN_CONCURRENCY;
    return {
      defaults: {
        profile: d.profile ?? config.DEFAULT_PROFILE,
        model: deps.meta.demoModel ? DEMO_MODEL_NAME : (d.model ?? config.AGENT_MODEL),
        agent: d.agent ?? config.AGENT,
        iterations: iterationDefaults(d),
        usageLimitBackoffMs: d.usageLimitBackoffMs ?? config.USAGE_LIMIT_BACKOFF,
      },
      budgets: budgetsOf(await overrides()),
      spendCaps: { runUsd: caps.runUsd ?? null, dailyUsd: caps.dailyUsd ?? null },
      concurrency: {
        global,
        perCampaign,
        // The executor was sized at start (config holds what it started with).
        restartNeeded:
          global !== config.RUN_CONCURRENCY || perCampaign !== config.CAMPAIGN_CONCURRENCY,
      },
      deploy: {
        target: config.DEPLOY_TARGET,
        externalValidator: Boolean(config.EXTERNAL_VALIDATOR),
      },
      secrets: SECRET_NAMES.map((name) => ({ name, source: config.secretSources[name] })),
      templates: listTemplates().map((t) => ({
        name: t.name,
        version: t.version,
        placeholders: t.placeholders,
        text: t.text,
      })),
    };
  };
  app.get('/settings', async (c) => reply(c, Settings, await view()));
  app.patch('/settings', async (c) => {
    const body = await readJson(c, SettingsPatch);
    if (body.budgets) {
      const current = await overrides();
      const next: BudgetOverrides = { ...current };
      for (const k of COMPLEXITIES) {
        const change = body.budgets[k];
        if (change) next[k] = { ...current[k], ...change };
      }
      await putSetting(sql, 'budgets', next, c.get('actor'));
    }
    if (body.defaults || body.concurrency) {
      const profile = body.defaults?.profile;
      if (profile !== undefined && !isProfileId(profile))
        throw new InvalidInputError([
          {
            field: 'body.defaults.profile',
            message: `must be one of ${listProfileInfo()
              .map((p) => p.id)
              .join(', ')}`,
          },
        ]);
      const current = await serverDefaults(sql);
      const { iterations, ...rest } = body.defaults ?? {};
      const next: ServerDefaults = { ...current, ...rest };
      if (iterations) {
        next.iterations = { ...current.iterations };
        for (const k of COMPLEXITIES)
          if (iterations[k]) next.iterations[k] = { ...current.iterations?.[k], ...iterations[k] };
      }
      if (body.concurrency) next.concurrency = { ...current.concurrency, ...body.concurrency };
      await putSetting(sql, 'defaults', next, c.get('actor'));
    }
    if (body.spendCaps) {
      const next: SpendCaps = { ...(await spendCaps(sql)), ...body.spendCaps };
      await putSetting(sql, 'spend-caps', next, c.get('actor'));
    }
    return reply(c, Settings, await view());
  });
  app.get('/analytics', async (c) => {
    const q = readQuery(c, AnalyticsQuery);
    return reply(c, Analytics, await analytics(sql, q.campaign ? { campaignId: q.campaign } : {}));
  });
  app.get('/profiles', (c) =>
    reply(c, Profiles, {
      items: listProfileInfo().map((p) => ({
        id: p.id,
        version: p.version,
        description: p.description,
      })),
      default: config.DEFAULT_PROFILE,
    }),
  );
  return app;
}
