import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { appendLog } from '../../db/logs.ts';
import { enterPhase, finishRun } from '../../db/run-state.ts';
import { createRun } from '../../db/runs.ts';
import { saveValidation } from '../../db/validations.ts';
import {
  apiCall,
  axeSerious,
  ConsoleWatch,
  eventually,
  launchChromium,
  newPage,
  screenshot,
  sidewaysScroll,
  startE2EApp,
  type E2EApp,
} from './support.ts';

/**
 * The scenario page as a new user read it (issue 14 items 13–16), in Chromium against the real
 * app: the live log of the chosen run only, validation attempts grouped with what changed, rule
 * ids readable at 375 px, and plain words. History is seeded through the database's own queries.
 */
let app: E2EApp;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const watch = new ConsoleWatch();

beforeAll(async () => {
  app = await startE2EApp(inject('databaseUrl'));
  browser = await launchChromium();
  ({ context, page } = await newPage(browser, watch));
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await app?.stop();
});

const post = async (url: string, body?: unknown) =>
  (await apiCall<{ id: string }>(app.url, 'POST', url, body)).json;

const CONFIG = { planningIterations: 1, implementationIterations: 1, validationFixes: 2 };

const finding = (ruleId: string, file: string, message: string) => ({
  severity: 'error' as const,
  ruleId,
  file,
  message,
  signature: `${ruleId}:${file}`,
});

/** Three validation attempts: two findings, then one fixed and one new, then a pass. */
async function seedValidations(runId: string, scenarioId: string) {
  const base = { runId, scenarioId, phase: 'validating', profile: 'vrooli-2025-08', exitCode: 1 };
  const extra = { rawOutputKey: null, durationMs: 40 };
  const missing = finding(
    'service-json.resources-required',
    '.vrooli/service.json',
    'No resources',
  );
  const readme = finding('readme.present', 'README.md', 'README.md is missing');
  const health = finding('runtime.health-check', 'api/main.go', 'Health check answered 500');
  const save = (validator: string, attempt: number, findings: ReturnType<typeof finding>[]) =>
    saveValidation(app.sql, {
      ...base,
      ...extra,
      validator,
      attempt,
      passed: findings.length === 0,
      errorCount: findings.length,
      warningCount: 0,
      findings,
    });
  await save('builtin', 1, [missing, readme]);
  await save('runtime', 1, []);
  await save('builtin', 2, [missing]);
  await save('runtime', 2, [health]);
  await save('builtin', 3, []);
  await save('runtime', 3, []);
}

describe('the scenario page', () => {
  it('shows the chosen run only, groups validation attempts with what changed, in plain words', async () => {
    const c = await post('/api/campaigns', { name: 'Scenario page' });
    const s = await post('/api/scenarios', {
      campaignId: c.id,
      title: 'Chore board',
      request: 'A chore board for a family',
    });
    const r1 = await createRun(
      app.sql,
      { scenarioId: s.id, trigger: 'api', config: CONFIG },
      'local',
    );
    await enterPhase(app.sql, r1.id, 'planning');
    await appendLog(app.sql, {
      scenarioId: s.id,
      runId: r1.id,
      kind: 'progress',
      message: 'first run line',
    });
    await finishRun(app.sql, r1.id, { status: 'failed', failureClass: 'validation_failed' });
    const r2 = await createRun(
      app.sql,
      { scenarioId: s.id, trigger: 'api', config: CONFIG },
      'local',
    );
    await enterPhase(app.sql, r2.id, 'validating');
    await appendLog(app.sql, {
      scenarioId: s.id,
      runId: r2.id,
      kind: 'progress',
      message: 'second run line',
    });
    await appendLog(app.sql, {
      scenarioId: s.id,
      runId: r2.id,
      kind: 'agent',
      message: 'StructuredOutput fields: score, notes',
      live: { lastAction: 'StructuredOutput fields: score, notes' },
    });
    await seedValidations(r2.id, s.id);

    // 13: run #2 is current; its log holds none of run #1's lines, and choosing run #1 swaps them.
    await page.goto(`${app.url}/scenarios/${s.id}`);
    const log = page.getByRole('log', { name: 'Agent log' });
    await eventually(() => log.textContent()).toContain('second run line');
    expect(await log.textContent()).not.toContain('first run line');
    // 16: the last action reads as words, not as a tool's name and its fields.
    const last = await page.locator('[data-last-action]').textContent();
    expect(last).not.toContain('StructuredOutput');
    expect(last).toContain('score, notes');
    await page.locator('#run-select').selectOption(r1.id);
    await eventually(() => log.textContent()).toContain('first run line');
    expect(await log.textContent()).not.toContain('second run line');
    await page.locator('#run-select').selectOption(r2.id);

    // 14: one group per attempt, the latest open, earlier ones folded, each saying what changed.
    await page.getByRole('tab', { name: /Validation/ }).click();
    const attempts = page.locator('[data-attempt-group]');
    await eventually(() => attempts.count()).toBe(3);
    expect(
      await attempts.evaluateAll((els) => els.map((e) => (e as HTMLDetailsElement).open)),
    ).toEqual([false, false, true]);
    const second = attempts.nth(1);
    expect(await second.locator('summary').textContent()).toMatch(/Attempt 2/);
    const changes = await second.locator('[data-changes]').textContent();
    expect(changes).toContain('1 fixed');
    expect(changes).toContain('1 new');
    expect(changes).toContain('1 still failing');
    expect(await second.locator('[data-change="fixed"]').textContent()).toContain('readme.present');
    expect(await attempts.nth(2).locator('summary').textContent()).toMatch(/passed/i);
    // Validators named alike, the runtime check among them.
    await attempts.nth(1).locator('summary').click();
    expect(await second.textContent()).toContain('Runtime check');
    expect(await axeSerious(page)).toEqual([]);
    await screenshot(page, 'scenario-page-validation');

    // 16: a run cancelled from this machine does not say "by local".
    await post(`/api/runs/${r2.id}/cancel`);
    await page.reload();
    await page.locator('h1', { hasText: 'Chore board' }).waitFor();
    const main = page.locator('main');
    await eventually(() => main.textContent()).toContain('Cancelled');
    expect(await main.textContent()).not.toMatch(/by local/i);
    expect(watch.errors).toEqual([]);
  });

  it('keeps rule ids whole at 375 px', async () => {
    const { context: narrowCtx, page: narrow } = await newPage(browser, watch, {
      width: 375,
      height: 800,
    });
    try {
      const c = await post('/api/campaigns', { name: 'Narrow' });
      const s = await post('/api/scenarios', {
        campaignId: c.id,
        title: 'Narrow findings',
        request: 'Anything',
      });
      const r = await createRun(
        app.sql,
        { scenarioId: s.id, trigger: 'api', config: CONFIG },
        'local',
      );
      await seedValidations(r.id, s.id);
      await narrow.goto(`${app.url}/scenarios/${s.id}`);
      await narrow.getByRole('tab', { name: /Validation/ }).click();
      const groups = narrow.locator('[data-attempt-group]');
      await eventually(() => groups.count()).toBe(3);
      await groups.nth(0).locator('summary').click();
      const rule = narrow.locator('[data-rule-id]', { hasText: 'readme.present' }).first();
      await rule.waitFor();
      const box = await rule.evaluate((el) => {
        const lh = parseFloat(getComputedStyle(el).fontSize) * 1.6;
        return {
          lines: el.getBoundingClientRect().height / lh,
          width: el.getBoundingClientRect().width,
        };
      });
      // "readme.present" fits one line at 375 px; letter by letter it took fourteen.
      expect(box.lines).toBeLessThan(1.5);
      expect(await sidewaysScroll(narrow)).toBeLessThanOrEqual(0);
      await screenshot(narrow, 'scenario-page-findings-375');
    } finally {
      await narrowCtx.close();
    }
  });
});
