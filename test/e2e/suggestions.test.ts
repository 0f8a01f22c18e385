import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
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
 * A suggested prompt change approved by a person, in a real browser against the real app (demo
 * model): a demo run records a recurring problem; on the suggestions page the user asks for a
 * change, reads the agent's rationale and diff, approves it; the experiment appears, and Settings
 * shows the new version with its diff. axe clean, 375 px without sideways scrolling, no console
 * errors; screenshots in test-artifacts/screenshots/.
 */
let app: E2EApp;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const watch = new ConsoleWatch();

beforeAll(async () => {
  app = await startE2EApp(inject('databaseUrl'));
  const campaign = await apiCall<{ id: string }>(app.url, 'POST', '/api/campaigns', {
    name: 'Suggestions',
  });
  const s = await apiCall<{ id: string }>(app.url, 'POST', '/api/scenarios', {
    campaignId: campaign.json.id,
    request: 'Track orders in postgres and show a daily summary.',
  });
  await apiCall(app.url, 'POST', `/api/scenarios/${s.json.id}/generate`, {});
  // A demo run plants a mistake only running the scenario reveals: a problem is recorded.
  for (let t = Date.now(); ;) {
    const cur = await apiCall<{ status: string }>(app.url, 'GET', `/api/scenarios/${s.json.id}`);
    if (cur.json.status === 'deployed') break;
    if (Date.now() - t > 120_000) throw new Error(`the demo run is ${cur.json.status}`);
    await new Promise((r) => setTimeout(r, 300));
  }
  browser = await launchChromium();
  ({ context, page } = await newPage(browser, watch));
}, 240_000);

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

describe('prompt suggestions in the browser', () => {
  it('asks for a suggestion, shows its rationale and diff, and approves it into an experiment', async () => {
    await page.goto(app.url + '/analytics');
    await page.getByRole('link', { name: /Prompt suggestions/ }).click();
    await eventually(() => page.title()).toBe('Prompt suggestions · Scenario Generator');
    const select = page.getByLabel('Recurring problem');
    await eventually(() => select.locator('option').count()).toBeGreaterThan(1);
    await select.selectOption({ index: 1 });
    await page.getByRole('button', { name: 'Suggest a change' }).click();

    const card = page.locator('article.suggestion').first();
    await eventually(() => card.getAttribute('data-status'), { timeout: 60_000 }).toBe('pending');
    await eventually(() => card.locator('.rationale').textContent()).toContain(
      'recurring across runs',
    );
    await eventually(() => card.locator('tr[data-op="add"]').first().textContent()).toContain(
      'check every file for this recurring problem',
    );
    await checkPage('suggestion-pending');

    await card.getByRole('button', { name: 'Approve as a new version' }).click();
    await eventually(() => card.getAttribute('data-status')).toBe('approved');
    const version = (await card.locator('code').last().textContent())!.trim();
    expect(version).toMatch(/^[0-9a-f]{12}$/);
    const experiment = page.locator('article.experiment[data-status="running"]');
    await eventually(() =>
      experiment.locator(`tr[data-version="${version}"]`).textContent(),
    ).toContain('not enough data');
    await checkPage('suggestion-approved');

    await page.goto(app.url + '/settings');
    const history = page.locator('details[data-history]', {
      has: page.locator(`li[data-version="${version}"]`),
    });
    await history.locator('summary').first().click();
    const entry = history.locator(`li[data-version="${version}"]`);
    await eventually(() => entry.textContent()).toContain('from an approved suggestion');
    await entry.locator('summary').click();
    await eventually(() => entry.locator('tr[data-op="add"]').first().textContent()).toContain(
      'check every file for this recurring problem',
    );
    await checkPage('prompt-history');
    expect(watch.errors).toEqual([]);
  }, 180_000);
});
