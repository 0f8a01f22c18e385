import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startHttpReceiver, type HttpReceiver } from '../../core/notify/testing/receivers.ts';
import {
  apiCall,
  axeSerious,
  ConsoleWatch,
  eventually,
  launchChromium,
  screenshot,
  sidewaysScroll,
  startE2EApp,
} from './support.ts';

/**
 * Notifications end to end, through the same composition root `scenario-gen start` uses: the
 * campaign's Notifications page in Chromium (permission granted through playwright), a signed
 * webhook channel added with the form and tested with its button, then a real run (the demo
 * model) that deploys — the browser shows a notification and the receiver gets the signed notice.
 */
const app = await startE2EApp(inject('databaseUrl'));
let rx: HttpReceiver;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const watch = new ConsoleWatch();
let campaignId = '';

beforeAll(async () => {
  rx = await startHttpReceiver();
  campaignId = (
    await apiCall<{ id: string }>(app.url, 'POST', '/api/campaigns', { name: 'Notified' })
  ).json.id;
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.grantPermissions(['notifications'], { origin: app.url });
  // Keep a copy of every notification the page creates (the real one is still shown).
  await context.addInitScript(() => {
    const Real = window.Notification;
    const shown: { title: string; body: string }[] = [];
    (window as unknown as { __shown: typeof shown }).__shown = shown;
    class Recorded extends Real {
      constructor(title: string, options?: NotificationOptions) {
        super(title, options);
        shown.push({ title, body: options?.body ?? '' });
      }
    }
    window.Notification = Recorded as typeof Notification;
  });
  page = await context.newPage();
  watch.watch(page);
});
afterAll(async () => {
  await context?.close();
  await browser?.close();
  await rx?.close();
  await app.stop();
});

const shown = () =>
  page.evaluate(() => (window as unknown as { __shown: { title: string }[] }).__shown);

describe('notifications in the browser', () => {
  let secret = '';

  it('turns on browser notifications, adds a signed webhook and sends a test', async () => {
    await page.goto(`${app.url}/campaigns/${campaignId}/notifications`);
    await page.getByRole('heading', { name: 'Notifications for Notified' }).waitFor();
    expect(await axeSerious(page)).toEqual([]);
    await page.getByRole('button', { name: 'Turn on browser notifications' }).click();
    await page.getByText(/On for 4 events \(allowed\)/).waitFor();

    await page.getByLabel('Name', { exact: true }).fill('Ops hook');
    await page.getByLabel('Receiver URL').fill(`${rx.url}/hooks/sg`);
    await page.getByRole('button', { name: 'Generate' }).click();
    secret = await page.getByLabel(/Signing secret/).inputValue();
    expect(secret).toMatch(/^whsec_/);
    await page.getByRole('button', { name: 'Add channel' }).click();
    await page.getByRole('button', { name: 'Send test to Ops hook' }).click();
    await page.getByText(/Test sent to Ops hook \(answered 200\)/).waitFor();
    const hit = rx.hits.at(-1)!;
    expect(
      new Webhook(secret).verify(hit.body, hit.headers as Record<string, string>),
    ).toMatchObject({
      type: 'test',
    });
    // The page never shows the secret again.
    await page.reload();
    await page.getByRole('button', { name: 'Send test to Ops hook' }).waitFor();
    expect(await page.content()).not.toContain(secret);
    expect(await axeSerious(page)).toEqual([]);
    await screenshot(page, 'campaign-notifications');
    await page.setViewportSize({ width: 375, height: 800 });
    expect(await sidewaysScroll(page)).toBeLessThanOrEqual(0);
    await screenshot(page, 'campaign-notifications-375');
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it(
    'a run that deploys shows a browser notification and reaches the webhook',
    { timeout: 240_000 },
    async () => {
      const s = await apiCall<{ id: string }>(app.url, 'POST', '/api/scenarios', {
        campaignId,
        title: 'Uptime board',
        request: 'A status page that shows whether local resources are up.',
      });
      expect(s.status).toBe(201);
      const run = await apiCall<{ id: string }>(
        app.url,
        'POST',
        `/api/scenarios/${s.json.id}/generate`,
      );
      expect(run.status).toBe(202);
      await eventually(async () => (await shown()).map((n) => n.title), {
        timeout: 200_000,
        interval: 500,
      }).toContain('“Uptime board” deployed');
      await eventually(() => rx.hits.some((h) => h.body.includes('"run.succeeded"')), {
        timeout: 30_000,
      }).toBe(true);
      const hit = rx.hits.find((h) => h.body.includes('"run.succeeded"'))!;
      expect(
        new Webhook(secret).verify(hit.body, hit.headers as Record<string, string>),
      ).toMatchObject({
        data: { run: { id: run.json.id }, title: expect.stringContaining('Uptime board') },
      });
      await page.reload();
      await page
        .getByRole('region', { name: 'Recent deliveries' })
        .getByText('run.succeeded')
        .waitFor();
      expect(watch.errors).toEqual([]);
    },
  );
});
