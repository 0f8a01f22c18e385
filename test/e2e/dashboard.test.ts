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
 * The dashboard in a real browser against the real app (empty database, built site): campaigns,
 * the new-scenario form with the API's field messages, remembered tab and filters, batch
 * archive, and on every page axe-core, a 375 px width and a clean console. Needs no pipeline run.
 */
interface Campaign {
  id: string;
  name: string;
  color: string;
  icon: string;
}
interface Scenario {
  id: string;
  title: string;
  archived: boolean;
  config: {
    planningIterations: number;
    implementationIterations: number;
    validationFixes: number;
    model?: string;
  };
}
interface Problem {
  errors?: { field: string; message: string }[];
}

let app: E2EApp;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const watch = new ConsoleWatch();
let campaign: Campaign;

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

/** axe-core (no serious/critical violations), 375 px without sideways scroll, screenshots. */
async function checkPage(name: string): Promise<void> {
  await page.waitForLoadState('networkidle');
  expect(await axeSerious(page), `axe on ${name}`).toEqual([]);
  await screenshot(page, name);
  await page.setViewportSize({ width: 375, height: 800 });
  await page.waitForTimeout(150);
  expect(await sidewaysScroll(page), `sideways scroll at 375 px on ${name}`).toBeLessThanOrEqual(0);
  expect(await axeSerious(page), `axe at 375 px on ${name}`).toEqual([]);
  await screenshot(page, `${name}-375`);
  await page.setViewportSize({ width: 1280, height: 900 });
}

async function nav(label: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: label }).click();
}

describe('dashboard', () => {
  it('shows the empty state, then creates a campaign through the UI', async () => {
    await page.goto(app.url + '/');
    await eventually(() => page.title()).toBe('Campaigns · Scenario Generator');
    await page.getByText('No campaigns yet.').waitFor();
    await checkPage('dashboard-empty');

    await page.getByRole('button', { name: 'New campaign' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Support tools');
    await page.getByLabel('Client').fill('ACME');
    await page.locator('label.swatch', { hasText: 'green' }).click();
    await page.locator('label.icon-choice', { hasText: 'headset' }).click();
    await checkPage('campaign-editor');
    await page.getByRole('button', { name: 'Create campaign' }).click();

    const tab = page.getByRole('tab', { name: /Support tools/ });
    await eventually(() => tab.getAttribute('aria-selected')).toBe('true');
    const list = await apiCall<{ items: Campaign[] }>(app.url, 'GET', '/api/campaigns');
    expect(list.json.items.map((c) => [c.name, c.color, c.icon])).toEqual([
      ['Support tools', 'green', 'headset'],
    ]);
    campaign = list.json.items[0]!;
    await page.getByText('No scenarios in Support tools yet.').waitFor();
  });

  it('shows the API message beside the field for a bad value, and focuses it', async () => {
    await nav('New scenario');
    await eventually(() => page.title()).toBe('New scenario · Scenario Generator');
    await page.getByLabel('Title').fill('Ticket triage');
    await page
      .getByLabel('Request')
      .fill('Sort incoming support tickets by urgency with a local model.');
    await page.getByLabel('Plan versions, up to').fill('9');
    await page.getByLabel('Model', { exact: true }).fill('not a model!');
    await page.getByRole('button', { name: 'Save as draft' }).click();

    // What the API itself says about the same values.
    const direct = await apiCall<Problem>(app.url, 'POST', '/api/scenarios', {
      campaignId: campaign.id,
      title: 'x',
      request: 'x',
      config: { planningIterations: 9, model: 'not a model!' },
    });
    expect(direct.status).toBe(400);
    const message = (field: string) => direct.json.errors!.find((e) => e.field === field)!.message;

    const planningError = page.locator('#sf-planning-err');
    await planningError.waitFor();
    expect((await planningError.textContent())!.trim()).toBe(
      message('body.config.planningIterations'),
    );
    expect((await page.locator('#sf-model-err').textContent())!.trim()).toBe(
      message('body.config.model'),
    );
    expect(await page.getByLabel('Plan versions, up to').getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByLabel('Plan versions, up to').getAttribute('aria-describedby')).toBe(
      'sf-planning-err',
    );
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('sf-planning');
    await checkPage('new-scenario-errors');

    // A blank title is the API's to refuse, too.
    await page.getByLabel('Title').fill('   ');
    await page.getByLabel('Plan versions, up to').fill('3');
    await page.getByLabel('Model', { exact: true }).fill('');
    await page.getByRole('button', { name: 'Save as draft' }).click();
    await page.locator('#sf-title-err').waitFor();
    expect(await page.locator('#sf-planning-err').count()).toBe(0);
    const blank = await apiCall<Problem>(app.url, 'POST', '/api/scenarios', {
      campaignId: campaign.id,
      title: '   ',
      request: 'x',
    });
    expect((await page.locator('#sf-title-err').textContent())!.trim()).toBe(
      blank.json.errors!.find((e) => e.field === 'body.title')!.message,
    );
  });

  it('submits a scenario through the form and shows its card', async () => {
    await page.getByLabel('Title').fill('Ticket triage');
    await page.getByLabel('Complexity').selectOption('intermediate');
    await page.getByLabel('Plan versions, up to').fill('3');
    await page.getByLabel('Builds, up to').fill('2');
    await page.getByLabel('Validation fixes, up to').fill('4');
    await page.getByLabel('Agent', { exact: true }).selectOption({ label: 'Codex CLI' });
    await page.getByLabel('Model', { exact: true }).fill('claude-sonnet-4-5');
    await page.getByLabel('Budget (USD per agent session)').fill('1.5');
    await page.getByRole('button', { name: 'Save as draft' }).click();

    await page.waitForURL(app.url + '/');
    const card = page.locator('article[data-scenario]', { hasText: 'Ticket triage' });
    await card.waitFor();
    expect(await card.getAttribute('data-status')).toBe('draft');
    expect(await card.getByText('Draft').count()).toBeGreaterThan(0);
    expect(
      await page.getByRole('tab', { name: /Support tools/ }).getAttribute('aria-selected'),
    ).toBe('true');

    const stored = await apiCall<{ items: Scenario[] }>(
      app.url,
      'GET',
      `/api/scenarios?campaign=${campaign.id}`,
    );
    expect(stored.json.items).toHaveLength(1);
    expect(stored.json.items[0]!.config).toMatchObject({
      planningIterations: 3,
      implementationIterations: 2,
      validationFixes: 4,
      model: 'claude-sonnet-4-5',
      agent: 'codex',
      maxBudgetUsd: 1.5,
    });
    await checkPage('dashboard');
  });

  it('keeps the chosen tab, filters and sort across a reload', async () => {
    for (const title of ['Invoice parser', 'Triage of alerts', 'Another triage bot']) {
      const r = await apiCall(app.url, 'POST', '/api/scenarios', {
        campaignId: campaign.id,
        title,
        request: `Build ${title}`,
      });
      expect(r.status).toBe(201);
    }
    const other = await apiCall<Campaign>(app.url, 'POST', '/api/campaigns', {
      name: 'Internal',
      color: 'teal',
      icon: 'tool',
    });
    await apiCall(app.url, 'POST', '/api/scenarios', {
      campaignId: other.json.id,
      title: 'Internal triage',
      request: 'x',
    });

    await page.reload();
    await page.getByRole('tab', { name: /Support tools/ }).click();
    await page.getByLabel('Status').selectOption('draft');
    await page.getByLabel('Sort').selectOption('title');
    await page.getByLabel('Search').fill('triage');
    const titles = () => page.locator('article[data-scenario] h3').allTextContents();
    await eventually(titles).toEqual(['Another triage bot', 'Ticket triage', 'Triage of alerts']);

    await page.reload();
    await eventually(titles).toEqual(['Another triage bot', 'Ticket triage', 'Triage of alerts']);
    expect(
      await page.getByRole('tab', { name: /Support tools/ }).getAttribute('aria-selected'),
    ).toBe('true');
    expect(await page.getByLabel('Status').inputValue()).toBe('draft');
    expect(await page.getByLabel('Sort').inputValue()).toBe('title');
    expect(await page.getByLabel('Search').inputValue()).toBe('triage');

    // Keyboard: arrow keys move between campaign tabs.
    await page.getByRole('tab', { name: /Support tools/ }).focus();
    await page.keyboard.press('ArrowRight');
    await eventually(() =>
      page.getByRole('tab', { name: /Internal/ }).getAttribute('aria-selected'),
    ).toBe('true');
    await eventually(titles).toEqual(['Internal triage']);
    await page.keyboard.press('ArrowLeft');
    await eventually(() =>
      page.getByRole('tab', { name: /Support tools/ }).getAttribute('aria-selected'),
    ).toBe('true');
    await page
      .getByRole('button', { name: 'Clear filters' })
      .or(page.getByLabel('Search'))
      .first()
      .waitFor();
    await page.getByLabel('Status').selectOption('all');
    await page.getByLabel('Search').fill('');
    await eventually(async () => (await titles()).length).toBe(4);
  });

  it('archives selected cards in one batch', async () => {
    const titles = () => page.locator('article[data-scenario] h3').allTextContents();
    await page.getByLabel('Select Invoice parser').check();
    await page.getByLabel('Select Another triage bot').check();
    const bar = page.getByRole('region', { name: 'Batch actions' });
    await bar.getByText('2 selected').waitFor();
    await checkPage('dashboard-batch');
    await bar.getByRole('button', { name: 'Archive' }).click();
    await eventually(titles).toEqual(['Ticket triage', 'Triage of alerts']);

    const all = await apiCall<{ items: Scenario[] }>(
      app.url,
      'GET',
      `/api/scenarios?campaign=${campaign.id}&archived=all&sort=title`,
    );
    expect(all.json.items.map((s) => [s.title, s.archived])).toEqual([
      ['Another triage bot', true],
      ['Invoice parser', true],
      ['Ticket triage', false],
      ['Triage of alerts', false],
    ]);

    await page.getByLabel('Show archived scenarios').check();
    await eventually(titles).toEqual(['Another triage bot', 'Invoice parser']);
    await page.getByLabel('Show archived scenarios').uncheck();
    await eventually(titles).toEqual(['Ticket triage', 'Triage of alerts']);
  });

  it('renames a campaign and archives it', async () => {
    await page.getByRole('button', { name: 'Rename / edit' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Support desk');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('tab', { name: /Support desk/ }).waitFor();
    expect(
      (await apiCall<Campaign>(app.url, 'GET', `/api/campaigns/${campaign.id}`)).json.name,
    ).toBe('Support desk');

    await page.getByRole('tab', { name: /Internal/ }).click();
    await page.getByRole('button', { name: 'Archive', exact: true }).click();
    await page.getByRole('button', { name: 'Archive campaign' }).click();
    await eventually(() => page.getByRole('tab', { name: /Internal/ }).count()).toBe(0);
    expect(
      await page.getByRole('tab', { name: /All campaigns/ }).getAttribute('aria-selected'),
    ).toBe('true');
    await page.getByText('Archived campaigns').click();
    await page.getByRole('button', { name: 'Restore' }).waitFor();
    await checkPage('dashboard-archived-campaigns');
  });

  it('deletes an empty campaign (and offers no delete for one with scenarios)', async () => {
    const scratch = (
      await apiCall<Campaign>(app.url, 'POST', '/api/campaigns', { name: 'Scratch' })
    ).json;
    await page.reload();
    await page.getByRole('tab', { name: /Scratch/ }).click();
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.getByRole('button', { name: 'Delete campaign' }).click();
    await eventually(() => page.getByRole('tab', { name: /Scratch/ }).count()).toBe(0);
    expect((await apiCall(app.url, 'GET', `/api/campaigns/${scratch.id}`)).status).toBe(404);
    await page.getByRole('tab', { name: /Support desk/ }).click();
    expect(await page.getByRole('button', { name: 'Delete', exact: true }).count()).toBe(0);
  });

  it('shows when a run sleeping on a usage limit wakes, counting down', async () => {
    const s = (
      await apiCall<{ id: string }>(app.url, 'POST', '/api/scenarios', {
        campaignId: campaign.id,
        title: 'Sleepy',
        request: 'Waits for its usage limit.',
      })
    ).json;
    const wakeAt = new Date(Date.now() + 10 * 60_000);
    const [run] = await app.sql<{ id: string }[]>`
      INSERT INTO runs (scenario_id, number, status, wake_at) VALUES (${s.id}, 1, 'sleeping', ${wakeAt}) RETURNING id`;
    await app.sql`UPDATE scenarios SET status = 'queued', current_run_id = ${run!.id} WHERE id = ${s.id}`;
    await app.sql`UPDATE scenarios SET status = 'sleeping' WHERE id = ${s.id}`;
    await page.goto(`${app.url}/scenarios/${s.id}`);
    const countdown = page.locator('[data-countdown]');
    await countdown.waitFor();
    expect(await countdown.textContent()).toMatch(/^\(in (9|10) min \d\d s\)$/);
    await app.sql`UPDATE runs SET status = 'cancelled', wake_at = NULL, finished_at = now() WHERE id = ${run!.id}`;
    await app.sql`UPDATE scenarios SET status = 'cancelled' WHERE id = ${s.id}`;
    await page.goto(app.url);
  });

  it('opens a scenario page and the settings page', async () => {
    await page.getByRole('tab', { name: /Support desk/ }).click();
    await page.getByRole('link', { name: 'Ticket triage' }).click();
    await eventually(() => page.title()).toBe('Ticket triage · Scenario Generator');
    await page.getByRole('heading', { level: 1, name: 'Ticket triage' }).waitFor();
    await page.getByText('Not generated yet.').waitFor();
    await checkPage('scenario-draft');

    await nav('Settings');
    await eventually(() => page.title()).toBe('Settings · Scenario Generator');
    await page.getByRole('heading', { name: 'Prompt templates' }).waitFor();
    await eventually(() => page.locator('li[data-template]').count()).toBeGreaterThan(0);
    const settings = await apiCall<{ templates: { name: string; version: string }[] }>(
      app.url,
      'GET',
      '/api/settings',
    );
    const first = settings.json.templates[0]!;
    expect(await page.locator(`li[data-template="${first.name}"] summary`).textContent()).toContain(
      `version ${first.version}`,
    );
    // Where each secret came from, never its value.
    const secrets = page.getByRole('region', { name: 'Secret sources' });
    await eventually(() => secrets.locator('tr[data-secret="DATABASE_URL"] td').textContent()).toBe(
      'environment variable',
    );
    expect(await secrets.locator('tr[data-secret="ACCESS_TOKEN"] td').textContent()).toBe(
      'not set',
    );

    // Session limits: the API's message beside the cell, then a saved value.
    await page.getByLabel('Max turns, simple').fill('500');
    await page.getByRole('button', { name: 'Save limits' }).click();
    await page.locator('#b-simple-turns-err').waitFor();
    const refused = await apiCall<Problem>(app.url, 'PATCH', '/api/settings', {
      budgets: { simple: { maxTurns: 500 } },
    });
    expect((await page.locator('#b-simple-turns-err').textContent())!.trim()).toBe(
      refused.json.errors!.find((e) => e.field === 'body.budgets.simple.maxTurns')!.message,
    );
    await checkPage('settings');
    await page.getByLabel('Max turns, simple').fill('40');
    await page.getByRole('button', { name: 'Save limits' }).click();
    await page.getByText('Saved.').waitFor();
    expect(
      (
        await apiCall<{ budgets: { simple: { maxTurns: number } } }>(
          app.url,
          'GET',
          '/api/settings',
        )
      ).json.budgets.simple.maxTurns,
    ).toBe(40);
    await nav('Campaigns');
    await page.getByRole('tab', { name: /Support desk/ }).waitFor();
  });

  it('serves the app at deep links and a real 404 for a missing asset', async () => {
    const missing = await fetch(app.url + '/_app/immutable/nothing-here.js');
    expect(missing.status).toBe(404);
    for (const [path, title] of [
      ['/settings', 'Settings · Scenario Generator'],
      ['/scenarios/new', 'New scenario · Scenario Generator'],
    ] as const) {
      const res = await fetch(app.url + path);
      expect(`${path}: ${res.status} ${res.headers.get('content-type')}`).toBe(
        `${path}: 200 text/html; charset=utf-8`,
      );
      await page.goto(app.url + path);
      await eventually(() => page.title()).toBe(title);
    }
    // An unknown client route: the app's own "not found" page.
    await page.goto(app.url + '/no/such/page');
    await eventually(() => page.title()).toBe('Not found · Scenario Generator');
    await page.getByRole('heading', { name: 'Page not found' }).waitFor();
    expect(await axeSerious(page)).toEqual([]);
    await screenshot(page, 'not-found');
  });

  it('logged no console errors; the only failed requests were the refusals the tests provoked', () => {
    expect(watch.errors).toEqual([]);
    // Two bad form submissions and one bad session limit (400s, shown beside their fields).
    expect(watch.http.toSorted()).toEqual([
      '400 PATCH /api/settings',
      '400 POST /api/scenarios',
      '400 POST /api/scenarios',
    ]);
  });
});
