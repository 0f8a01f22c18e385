import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { simulateHistory, type SimRun } from '../support/history.ts';
import {
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
 * The learning loop in a real browser against the real app, on a seeded simulated history:
 * the analytics page (figures split by evidence, charts with their numbers as tables, the
 * forecast's reliability diagram), recurring problems (statuses, rising, example runs) and the
 * forecast on the new-scenario form as the user types. axe clean, 375 px without sideways
 * scrolling, no console errors; screenshots in test-artifacts/screenshots/.
 */
let app: E2EApp;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const watch = new ConsoleWatch();
let runs: SimRun[];
let campaignId: string;

beforeAll(async () => {
  app = await startE2EApp(inject('databaseUrl'));
  ({ runs, campaignId } = await simulateHistory(app.sql, {
    seed: 23,
    runs: 600,
    days: 60,
    cancelled: 0.02,
    signatures: {
      'file.missing|$.initialization.data[*]': () => 0.1,
      'rising:b': (d) => (d < 14 ? 0.4 : 0.05),
      'resolved:c': (d) => (d > 20 ? 0.3 : 0),
      'new:d': (d) => (d < 7 ? 0.2 : 0),
    },
  }));
  browser = await launchChromium();
  ({ context, page } = await newPage(browser, watch));
}, 180_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await app?.stop();
});

async function checkPage(name: string): Promise<void> {
  await page.waitForLoadState('networkidle');
  expect(await axeSerious(page), `axe on ${name}`).toEqual([]);
  await screenshot(page, name);
  await page.setViewportSize({ width: 375, height: 800 });
  await page.waitForTimeout(300);
  expect(await sidewaysScroll(page), `sideways scroll at 375 px on ${name}`).toBeLessThanOrEqual(0);
  expect(await axeSerious(page), `axe at 375 px on ${name}`).toEqual([]);
  await screenshot(page, `${name}-375`);
  await page.setViewportSize({ width: 1280, height: 900 });
}

describe('analytics in the browser', () => {
  it('shows success split by evidence, charts with their numbers, and the calibration', async () => {
    await page.goto(app.url + '/');
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Analytics' })
      .click();
    await eventually(() => page.title()).toBe('Analytics · Scenario Generator');
    const finished = runs.filter((r) => r.status !== 'cancelled');
    const success = finished.filter((r) => r.success).length;
    const tile = page.locator('[data-tile="success"]');
    await eventually(() => tile.textContent()).toContain(
      `${success} of ${finished.length} finished runs`,
    );
    expect(await tile.textContent()).toContain(`${Math.round((100 * success) / finished.length)}%`);
    // Every chart is drawn (uPlot canvas) and has its numbers as a table.
    expect(await page.locator('figure.chart canvas').count()).toBeGreaterThanOrEqual(3);
    const weekly = page.locator('figure.chart').first();
    await weekly.getByText('Numbers of this chart').click();
    expect(await weekly.locator('tbody tr').count()).toBeGreaterThanOrEqual(8);
    // Groups: the simulated truth ranks productivity above finance.
    await page.getByRole('button', { name: 'Category' }).click();
    const table = page.locator('table[data-breakdown="category"]');
    await table.waitFor();
    const rate = async (key: string) =>
      Number(
        /(\d+)%/.exec(
          (await table.locator('tr', { hasText: key }).locator('td').nth(1).textContent())!,
        )![1],
      );
    expect(await rate('productivity')).toBeGreaterThan(await rate('finance'));
    await expect.poll(() => page.locator('[data-skill]').getAttribute('data-skill')).not.toBeNull();
    expect(Number(await page.locator('[data-skill]').getAttribute('data-skill'))).toBeGreaterThan(
      0,
    );
    await checkPage('analytics');
  });

  it('narrows to one campaign and window from the filters', async () => {
    await page.getByLabel('Window').selectOption('30');
    await eventually(() => page.url()).toContain('days=30');
    const since = Date.now() - 30 * 86_400_000;
    const inWindow = runs.filter((r) => r.status !== 'cancelled' && r.finishedAt >= since);
    await eventually(() => page.locator('[data-tile="success"]').textContent()).toContain(
      `of ${inWindow.length} finished runs`,
    );
    await page.getByLabel('Campaign').selectOption(campaignId);
    await eventually(() => page.url()).toContain(`campaign=${campaignId}`);
  });

  it('lists recurring problems with the statuses the history dictates and links to runs', async () => {
    await page.getByRole('link', { name: 'Recurring problems →' }).click();
    await eventually(() => page.title()).toBe('Recurring problems · Scenario Generator');
    const row = (sig: string) => page.locator(`tr[data-signature="${sig}"]`);
    await row('rising:b').waitFor();
    expect(await row('rising:b').getAttribute('data-rising')).toBe('true');
    expect(await row('resolved:c').getAttribute('data-status')).toBe('resolved');
    expect(await row('new:d').getAttribute('data-status')).toBe('new');
    expect(await row('file.missing|$.initialization.data[*]').getAttribute('data-status')).toBe(
      'recurring',
    );
    expect(await row('file.missing|$.initialization.data[*]').getAttribute('data-rising')).toBe(
      'false',
    );
    await row('rising:b')
      .getByText(/findings, \d+ runs/)
      .click();
    const link = row('rising:b').getByRole('link').first();
    const href = (await link.getAttribute('href'))!;
    expect(runs.some((r) => href === `/scenarios/${r.scenarioId}`)).toBe(true);
    await checkPage('recurring-problems');
    await link.click();
    await eventually(() => page.url()).toContain(href);
  });

  it('forecasts on the form as the user types, with its basis', async () => {
    await page.goto(app.url + '/scenarios/new');
    const forecast = page
      .getByRole('status')
      .filter({ hasText: 'Forecast' })
      .or(page.locator('.forecast'));
    await page.getByLabel('Campaign').selectOption(campaignId);
    await page.getByLabel('Request').fill('Build a productivity app. No resources.');
    await page.getByLabel('Category').fill('productivity');
    await eventually(() => page.locator('.forecast').getAttribute('data-basis')).toBe('model');
    const good = Number(await page.locator('[data-probability]').getAttribute('data-probability'));
    await page.getByLabel('Category').fill('finance');
    await page.getByLabel('Complexity').selectOption('advanced');
    await page.getByLabel('Request').fill('Build a finance app. Uses postgres, redis, minio, n8n.');
    await eventually(async () =>
      Number(await page.locator('[data-probability]').getAttribute('data-probability')),
    ).toBeLessThan(good - 0.3);
    expect(await forecast.first().textContent()).toMatch(/from the model trained on \d+ runs/);
    await checkPage('forecast-on-form');
    expect(watch.errors).toEqual([]);
  });
});
