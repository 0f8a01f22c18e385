import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { readFileSync } from 'node:fs';
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
} from './support.ts';

/**
 * Live progress in a real browser: a card rising to deployed without a reload, the scenario
 * page's plans, files and findings, the log's sequence numbers across a reload mid-run, and
 * cancelling a run. These need the pipeline (the demo model drives real runs): when
 * POST /api/scenarios/:id/generate is not there (404) or refuses (409), they are skipped.
 */
interface Scenario {
  id: string;
  title: string;
  status: string;
  eventSeq: number;
  costUsd: number;
  currentRunId: string | null;
  config: { planningIterations: number };
}
interface Run {
  id: string;
  status: string;
}

const app = await startE2EApp(inject('databaseUrl'));
afterAll(() => app.stop());

const probeCampaign = await apiCall<{ id: string }>(app.url, 'POST', '/api/campaigns', {
  name: 'Pipeline probe',
  color: 'gray',
});
const probe = await apiCall<Scenario>(app.url, 'POST', '/api/scenarios', {
  campaignId: probeCampaign.json.id,
  title: 'Probe',
  request: 'A tiny probe app.',
});
const probeRun = await apiCall<Run>(app.url, 'POST', `/api/scenarios/${probe.json.id}/generate`);
const pipelineAvailable = probeRun.status !== 404 && probeRun.status !== 409;
if (pipelineAvailable) {
  await apiCall(app.url, 'POST', `/api/runs/${probeRun.json.id}/cancel`);
  await apiCall(app.url, 'POST', `/api/campaigns/${probeCampaign.json.id}/archive`);
}

const LONG = 180_000;

describe.skipIf(!pipelineAvailable)('live progress (needs the pipeline)', () => {
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const watch = new ConsoleWatch();
  let campaignId = '';

  beforeAll(async () => {
    browser = await launchChromium();
    ({ context, page } = await newPage(browser, watch));
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
  });

  async function scenario(id: string): Promise<Scenario> {
    return (await apiCall<Scenario>(app.url, 'GET', `/api/scenarios/${id}`)).json;
  }

  async function checkPage(name: string): Promise<void> {
    expect(await axeSerious(page), `axe on ${name}`).toEqual([]);
    await screenshot(page, name);
    await page.setViewportSize({ width: 375, height: 800 });
    await page.waitForTimeout(150);
    expect(await sidewaysScroll(page), `sideways scroll at 375 px on ${name}`).toBeLessThanOrEqual(
      0,
    );
    await screenshot(page, `${name}-375`);
    await page.setViewportSize({ width: 1280, height: 900 });
  }

  /** Opens a scenario's page from the dashboard, as a user would. */
  async function openFromDashboard(title: string): Promise<void> {
    await page.goto(app.url + '/');
    await page.getByRole('link', { name: title, exact: true }).click();
    await page.getByRole('heading', { level: 1, name: title }).waitFor();
  }

  it(
    'a card rises to deployed without a reload; the scenario page shows plans, files and findings',
    { timeout: LONG },
    async () => {
      await page.goto(app.url + '/');
      await page.getByRole('button', { name: 'New campaign' }).click();
      await page.getByLabel('Name', { exact: true }).fill('Live demo');
      await page.getByRole('button', { name: 'Create campaign' }).click();
      await eventually(() =>
        page.getByRole('tab', { name: /Live demo/ }).getAttribute('aria-selected'),
      ).toBe('true');
      campaignId = (
        await apiCall<{ items: { id: string; name: string }[] }>(app.url, 'GET', '/api/campaigns')
      ).json.items.find((c) => c.name === 'Live demo')!.id;

      await page
        .getByRole('navigation', { name: 'Main' })
        .getByRole('link', { name: 'New scenario' })
        .click();
      await page.getByLabel('Title').fill('Status page');
      await page
        .getByLabel('Request')
        .fill('A status page that shows whether local resources are up.');
      await page.getByRole('button', { name: 'Save as draft' }).click();
      const card = page.locator('article[data-scenario]', { hasText: 'Status page' });
      await card.waitFor();
      const id = (await card.getAttribute('data-scenario'))!;
      await page.getByRole('status').or(page.getByText('Live updates on')).first().waitFor();
      await eventually(() => page.locator('[data-live]').getAttribute('data-live')).toBe('live');

      // Record every progress and status the card shows, and mark the document to prove no reload.
      await page.evaluate((scenarioId) => {
        const w = window as unknown as {
          __kept: boolean;
          __seen: { progress: string; status: string }[];
        };
        w.__kept = true;
        w.__seen = [];
        const el = document.querySelector(`article[data-scenario="${scenarioId}"]`)!;
        const note = () =>
          w.__seen.push({
            progress: el.querySelector('[data-progress]')!.textContent!,
            status: el.getAttribute('data-status')!,
          });
        new MutationObserver(note).observe(el, {
          subtree: true,
          childList: true,
          characterData: true,
          attributes: true,
        });
      }, id);

      await page.getByLabel('Select Status page').check();
      await page
        .getByRole('region', { name: 'Batch actions' })
        .getByRole('button', { name: 'Generate' })
        .click();
      await eventually(() => card.getAttribute('data-status'), {
        timeout: 120_000,
        interval: 250,
      }).toBe('deployed');

      const seen = await page.evaluate(
        () =>
          (
            window as unknown as {
              __kept?: boolean;
              __seen: { progress: string; status: string }[];
            }
          ).__seen,
      );
      expect(await page.evaluate(() => (window as unknown as { __kept?: boolean }).__kept)).toBe(
        true,
      );
      const values = seen.map((s) => Number.parseInt(s.progress, 10));
      expect(
        values.some((v) => v > 0 && v < 100),
        `intermediate progress in ${values.join(',')}`,
      ).toBe(true);
      expect(
        values.every((v, i) => i === 0 || v >= values[i - 1]!),
        `progress never goes back: ${values.join(',')}`,
      ).toBe(true);
      expect(values.at(-1)).toBe(100);
      expect(new Set(seen.map((s) => s.status))).toContain('planning');
      const stored = await scenario(id);
      expect(stored.status).toBe('deployed');
      expect(await card.locator('[data-cost]').textContent()).toBe(`$${stored.costUsd.toFixed(2)}`);
      await screenshot(page, 'dashboard-live-deployed');

      await page.getByRole('link', { name: 'Status page', exact: true }).click();
      await page.getByRole('heading', { level: 1, name: 'Status page' }).waitFor();
      await page
        .locator('[data-phase="deploying"] .phase-head [data-status="Completed"]')
        .waitFor();
      await checkPage('scenario-deployed');

      await page.getByRole('tab', { name: /Plans/ }).click();
      await eventually(() => page.locator('tr[data-plan]').count()).toBe(
        stored.config.planningIterations,
      );
      expect(await page.locator('tr[data-plan]').getByText('chosen').count()).toBe(1);
      await page.getByRole('button', { name: 'Show diff' }).click();
      await page.getByRole('region', { name: /Differences from v1 to v2/ }).waitFor();
      await page.getByRole('button', { name: 'Read plan version 1' }).click();
      await page.getByRole('region', { name: 'Plan version 1' }).locator('pre').waitFor();
      await checkPage('scenario-plans');

      await page.getByRole('tab', { name: /Files/ }).click();
      await page
        .getByRole('navigation', { name: 'Files' })
        .getByRole('button', { name: /service\.json/ })
        .click();
      const viewer = page.getByRole('region', { name: 'Contents of .vrooli/service.json' });
      await viewer.waitFor();
      expect(JSON.parse((await viewer.textContent())!)).toBeTypeOf('object');
      await checkPage('scenario-files');

      await page.getByRole('tab', { name: /Validation/ }).click();
      await eventually(() => page.locator('[data-attempt-group]').count()).toBeGreaterThan(0);
      expect(
        await page.locator('[data-attempt-group][data-passed="true"]').count(),
      ).toBeGreaterThan(0);
      await checkPage('scenario-validation');

      await page.getByRole('tab', { name: /Agent sessions/ }).click();
      await eventually(() => page.locator('tr[data-session]').count()).toBeGreaterThanOrEqual(
        stored.config.planningIterations * 2 + 1,
      );
      await checkPage('scenario-sessions');

      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: 'Download archive' }).click(),
      ]);
      expect(download.suggestedFilename()).toBe('status-page.tar.gz');
      const bytes = readFileSync((await download.path())!);
      expect([bytes[0], bytes[1]]).toEqual([0x1f, 0x8b]);
    },
  );

  it(
    "keeps the log's sequence numbers contiguous across a reload in the middle of a run",
    { timeout: LONG },
    async () => {
      const created = await apiCall<Scenario>(app.url, 'POST', '/api/scenarios', {
        campaignId,
        title: 'Long run',
        request: 'An inventory tracker with a search page.',
        complexity: 'advanced',
        config: { planningIterations: 5, implementationIterations: 3, validationFixes: 5 },
      });
      await openFromDashboard('Long run');
      await page.getByRole('button', { name: 'Generate', exact: true }).click();
      const lines = page.locator('li[data-seq]');
      await eventually(() => lines.count(), { timeout: 60_000 }).toBeGreaterThanOrEqual(3);
      const before = await scenario(created.json.id);
      expect(['queued', 'planning', 'implementing', 'validating', 'deploying']).toContain(
        before.status,
      );

      await page.reload();
      await page.getByRole('heading', { level: 1, name: 'Long run' }).waitFor();
      await eventually(async () => (await scenario(created.json.id)).status, {
        timeout: 150_000,
        interval: 500,
      }).toBe('deployed');
      // Lines may still follow the final status (the run's closing entries): wait until the page
      // shows as many lines as the scenario has events.
      await eventually(
        async () => (await lines.count()) - (await scenario(created.json.id)).eventSeq,
        { timeout: 15_000 },
      ).toBe(0);
      const final = await scenario(created.json.id);
      const seqs = await lines.evaluateAll((els) =>
        els.map((e) => Number(e.getAttribute('data-seq'))),
      );
      expect(seqs).toEqual(Array.from({ length: final.eventSeq }, (_, i) => i + 1));
      await screenshot(page, 'scenario-log-after-reload');
    },
  );

  it('cancels a second run from the scenario page', { timeout: LONG }, async () => {
    const created = await apiCall<Scenario>(app.url, 'POST', '/api/scenarios', {
      campaignId,
      title: 'Cancelled run',
      request: 'A meeting notes summariser.',
      config: { planningIterations: 5 },
    });
    await openFromDashboard('Cancelled run');
    await page.getByRole('button', { name: 'Generate', exact: true }).click();
    await eventually(() => page.locator('li[data-seq]').count(), {
      timeout: 60_000,
    }).toBeGreaterThanOrEqual(2);
    await page.getByRole('button', { name: 'Cancel run' }).click();
    await eventually(async () => (await scenario(created.json.id)).status, {
      timeout: 60_000,
      interval: 500,
    }).toBe('cancelled');
    await page.locator('.title-row [data-status="Cancelled"]').waitFor();
    const runs = await apiCall<{ items: Run[] }>(
      app.url,
      'GET',
      `/api/scenarios/${created.json.id}/runs`,
    );
    expect(runs.json.items[0]!.status).toBe('cancelled');
    await screenshot(page, 'scenario-cancelled');

    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Campaigns' })
      .click();
    const card = page.locator('article[data-scenario]', { hasText: 'Cancelled run' });
    await eventually(() => card.getAttribute('data-status')).toBe('cancelled');
  });

  it('logged no console errors', () => {
    expect(watch.errors).toEqual([]);
    // A reload of /scenarios/:id gets a 404 (and the browser then asks for /favicon.ico) until
    // the server falls back to index.html for client routes; the reload test reports that.
    expect(
      watch.http.filter((l) => !/^404 GET \/scenarios\/|^404 \? .*\/favicon\.ico$/.test(l)),
    ).toEqual([]);
  });
});
