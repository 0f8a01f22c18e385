import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { addCost, enterPhase, finishRun } from '../../db/run-state.ts';
import { createRun } from '../../db/runs.ts';
import {
  apiCall,
  axeSerious,
  ConsoleWatch,
  eventually,
  launchChromium,
  newPage,
  screenshot,
  startE2EApp,
  type E2EApp,
} from './support.ts';

/**
 * A new user's first hour, in Chromium against the real app: the numbers the dashboard shows
 * (campaign totals over every run, a deployed version outliving a cancelled re-run, evidence
 * levels) and the controls they looked for. History is seeded through the run lifecycle's
 * queries, so no pipeline runs.
 */
interface Created {
  id: string;
}

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
  (await apiCall<Created>(app.url, 'POST', url, body)).json;

/** A finished run through the lifecycle's own queries: succeeded (deployed) or cancelled. */
async function seedRun(scenarioId: string, cost: number, end: 'succeeded' | 'cancelled') {
  const config = { planningIterations: 2, implementationIterations: 1, validationFixes: 2 };
  const r = await createRun(app.sql, { scenarioId, trigger: 'api', config }, 'local');
  const phases =
    end === 'succeeded'
      ? (['planning', 'implementing', 'validating', 'deploying'] as const)
      : (['planning'] as const);
  for (const p of phases) await enterPhase(app.sql, r.id, p);
  await addCost(app.sql, r.id, cost);
  await finishRun(app.sql, r.id, {
    status: end,
    ...(end === 'succeeded' ? { facts: { evidence: 'ran' } } : { failureClass: 'cancelled' }),
  });
  return r;
}

describe('numbers that do not lie', () => {
  it('keeps a deployed version, its evidence and the cost of every run after a cancelled re-run', async () => {
    const c = await post('/api/campaigns', { name: 'Home & Team Tools' });
    const s = await post('/api/scenarios', {
      campaignId: c.id,
      title: 'Chore board',
      request: 'A chore board for a family',
    });
    await seedRun(s.id, 0.16, 'succeeded');
    await seedRun(s.id, 0.29, 'cancelled');
    const old = await post('/api/campaigns', { name: 'Old ideas' });
    await post('/api/scenarios', { campaignId: old.id, title: 'Gone', request: 'Old idea' });
    await post(`/api/campaigns/${old.id}/archive`);

    await page.goto(app.url + '/');
    await page.getByRole('tab', { name: /Home & Team Tools/ }).click();
    const card = page.locator(`[data-scenario="${s.id}"]`);
    await card.waitFor();
    await eventually(() => card.locator('[data-status]').first().getAttribute('data-status')).toBe(
      'Deployed',
    );
    expect(await card.textContent()).toContain('re-run cancelled');
    expect(await card.locator('[data-evidence]').textContent()).toContain('ran');
    const header = page.locator('main');
    await eventually(() => header.textContent()).toContain('cost $0.45');
    expect(await header.textContent()).toMatch(/1 deployed/);
    expect(await axeSerious(page)).toEqual([]);
    await screenshot(page, 'first-hour-totals');

    // All campaigns: the archived campaign's scenario is not counted, nor listed.
    await page.getByRole('tab', { name: /All campaigns/ }).click();
    await eventually(() => page.getByText(/Showing \d+ of \d+/).textContent()).toContain(
      'Showing 1 of 1',
    );
    expect(await page.getByRole('tab', { name: /All campaigns/ }).textContent()).toContain('1');

    await page.goto(`${app.url}/scenarios/${s.id}`);
    await page.locator('[data-evidence]').waitFor();
    expect(await page.locator('[data-evidence]').textContent()).toContain('ran');
    expect(await page.locator('[data-status-note]').textContent()).toBe('re-run cancelled');
    expect(await page.locator('[data-total-cost]').textContent()).toBe('$0.45');
    await screenshot(page, 'first-hour-scenario-evidence');
    expect(watch.errors).toEqual([]);
  });
});

describe('what a retry and the iteration fields really do', () => {
  it('offers only resumable phases, and shows iterations as used of up to', async () => {
    const c = await post('/api/campaigns', { name: 'Retries' });
    const s = await post('/api/scenarios', {
      campaignId: c.id,
      title: 'Stopped early',
      request: 'Cancelled while planning',
    });
    await seedRun(s.id, 0.01, 'cancelled');
    await page.goto(`${app.url}/scenarios/${s.id}`);
    await page.locator('[data-used]').waitFor();
    expect(await page.locator('[data-used]').textContent()).toContain('plan versions 0 of up to 2');
    const options = await page.locator('#retry-phase option').allTextContents();
    expect(options).toEqual(['planning']);
    expect(await page.locator('[data-retry-note]').textContent()).toContain(
      'implementing, validating, deploying: nothing to resume from',
    );
    expect(await axeSerious(page)).toEqual([]);
    await screenshot(page, 'first-hour-retry');

    await page.goto(`${app.url}/scenarios/new`);
    await page.getByLabel('Plan versions, up to').waitFor();
    await page.getByLabel('Builds, up to').waitFor();
    expect(watch.errors).toEqual([]);
  });
});

describe('the new-scenario form', () => {
  it('names a scenario from its request when the title is left empty', async () => {
    const named = await post('/api/campaigns', { name: 'Named' });
    await page.goto(`${app.url}/scenarios/new?campaign=${named.id}`);
    await page
      .getByLabel('Request', { exact: true })
      .fill('Please build me an app that tracks household chores for a family, with points.');
    expect(await page.getByLabel(/^Title/).getAttribute('placeholder')).toBe(
      'Tracks household chores for a family',
    );
    await page.getByRole('button', { name: 'Save as draft' }).click();
    await page.locator('article', { hasText: 'Tracks household chores for a family' }).waitFor();
    const { json } = await apiCall<{ items: { title: string; slug: string }[] }>(
      app.url,
      'GET',
      `/api/scenarios?campaign=${named.id}`,
    );
    expect(json.items.map((x) => [x.title, x.slug])).toEqual([
      ['Tracks household chores for a family', 'tracks-household-chores-for-a-family'],
    ]);
    expect(watch.errors).toEqual([]);
  });
});

describe('the first page over the wire', () => {
  it('is served pre-compressed (brotli), under 60 KB transferred', async () => {
    const ctx = await browser.newContext();
    const fresh = await ctx.newPage();
    const sizes: Promise<{ url: string; bytes: number; encoding: string }>[] = [];
    fresh.on('requestfinished', (req) =>
      sizes.push(
        (async () => {
          const s = await req.sizes();
          const res = await req.response();
          return {
            url: new URL(req.url()).pathname,
            bytes: s.responseBodySize + s.responseHeadersSize,
            encoding: (await res?.headerValue('content-encoding')) ?? '',
          };
        })(),
      ),
    );
    await fresh.goto(app.url + '/', { waitUntil: 'networkidle' });
    const all = await Promise.all(sizes);
    const site = all.filter((r) => !r.url.startsWith('/api/'));
    const scripts = site.filter((r) => /\.(js|css)$/.test(r.url));
    expect(scripts.length).toBeGreaterThan(0);
    for (const r of scripts) expect(r.encoding, r.url).toBe('br');
    const total = site.reduce((n, r) => n + r.bytes, 0);
    console.log(`first page: ${site.length} files, ${total} bytes transferred`);
    // Measured: ~74 KB in 34 responses (~12 KB of it headers), from ~200 KB uncompressed; later
    // features grew it to ~86 KB, and ~77 KB in 19 responses once Svelte's runtime and the shared
    // helpers each went into one chunk and the campaign editor and batch bar load when needed.
    // Then ~59 KB (60.5 kB) in 12 responses: SvelteKit's client joined Svelte's runtime, the root
    // layout joined the shared helpers (one stylesheet fewer), the helpers only other pages use left
    // them, and the campaign header, the archived list and browser notifications load when needed.
    // The bound: it catches a lost compression or a heavier first page.
    expect(total).toBeLessThan(60 * 1024);
    await ctx.close();
  });
});
