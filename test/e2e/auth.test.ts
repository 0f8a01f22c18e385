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
  startE2EApp,
  type E2EApp,
} from './support.ts';

/**
 * With an access token configured, the dashboard asks for it once (a refused token asks again),
 * keeps it in the browser, and sends it with every call and with its live stream.
 */
const TOKEN = 'e2e-access-token-0123456789';

let app: E2EApp;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const watch = new ConsoleWatch();

beforeAll(async () => {
  app = await startE2EApp(inject('databaseUrl'), { ACCESS_TOKEN: TOKEN });
  browser = await launchChromium();
  ({ context, page } = await newPage(browser, watch));
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await app?.stop();
});

describe('access token', () => {
  it('is asked for once, re-asked when refused, then used for every call and the live stream', async () => {
    const headers = { authorization: `Bearer ${TOKEN}` };
    const created = await fetch(app.url + '/api/campaigns', {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Guarded' }),
    });
    expect(created.status).toBe(201);
    expect((await apiCall(app.url, 'GET', '/api/campaigns')).status).toBe(401);

    await page.goto(app.url + '/');
    const dialog = page.getByRole('dialog', { name: 'Access token' });
    await dialog.waitFor();
    expect(await dialog.getByText('This server needs an access token.').count()).toBe(1);
    expect(await axeSerious(page)).toEqual([]);
    await screenshot(page, 'access-token');

    await dialog.getByLabel('Access token').fill('wrong-token-wrong-token');
    await dialog.getByRole('button', { name: 'Save token' }).click();
    await dialog.getByText('The saved access token was refused.').waitFor();

    await dialog.getByLabel('Access token').fill(TOKEN);
    await dialog.getByRole('button', { name: 'Save token' }).click();
    await page.getByRole('tab', { name: /Guarded/ }).waitFor();
    expect(await dialog.isVisible()).toBe(false);
    await eventually(() => page.locator('[data-live]').getAttribute('data-live')).toBe('live');

    // Kept in this browser: a reload asks nothing.
    await page.reload();
    await page.getByRole('tab', { name: /Guarded/ }).waitFor();
    expect(await dialog.isVisible()).toBe(false);
    await eventually(() => page.locator('[data-live]').getAttribute('data-live')).toBe('live');
    expect(await page.evaluate(() => localStorage.getItem('sg.accessToken'))).toBe(TOKEN);
  });

  it('logged no console errors; the only refusals were the 401s before a good token', () => {
    expect(watch.errors).toEqual([]);
    expect(watch.http.length).toBeGreaterThan(0);
    expect(watch.http.filter((l) => !l.startsWith('401 GET /api/'))).toEqual([]);
  });
});
