import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { saveArtifact } from '../../db/artifacts.ts';
import { enterPhase, finishRun } from '../../db/run-state.ts';
import { createRun, type Run } from '../../db/runs.ts';
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
 * The controls a new user looked for on the dashboard (issue 14 items 6, 8, 10), in Chromium
 * against the real app. History is seeded through the database's own queries.
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

const CONFIG = { planningIterations: 1, implementationIterations: 1, validationFixes: 1 };

/** A run that deployed, with the file bundle it deployed. */
async function deployedRun(scenarioId: string): Promise<{ run: Run; bundleId: string }> {
  const run = await createRun(app.sql, { scenarioId, trigger: 'api', config: CONFIG }, 'local');
  for (const p of ['planning', 'implementing', 'validating', 'deploying'] as const)
    await enterPhase(app.sql, run.id, p);
  const bundleId = await saveArtifact(app.sql, {
    runId: run.id,
    scenarioId,
    phase: 'implementing',
    iteration: 1,
    kind: 'bundle',
    objectKey: `bundles/${run.id}.tar.gz`,
    manifest: [],
    fileCount: 0,
    totalBytes: 0,
    sha256: null,
  });
  await finishRun(app.sql, run.id, { status: 'succeeded', facts: { evidence: 'ran' } });
  return { run, bundleId };
}

describe('rollback and download (item 6)', () => {
  it('offers no archive before a deploy, and rolls back to an earlier deployed version', async () => {
    const c = await post('/api/campaigns', { name: 'Controls' });
    const s = await post('/api/scenarios', {
      campaignId: c.id,
      title: 'Recipe box',
      request: 'Keep family recipes',
    });
    await page.goto(`${app.url}/scenarios/${s.id}`);
    await page.getByRole('button', { name: /^Generate/ }).waitFor();
    expect(await page.getByRole('button', { name: 'Download archive' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Roll back' }).count()).toBe(0);

    const first = await deployedRun(s.id);
    await deployedRun(s.id);
    await page.reload();
    await page.getByRole('button', { name: 'Download archive' }).waitFor();
    const select = page.getByLabel('Roll back to');
    expect(await select.locator('option').allTextContents()).toEqual([
      expect.stringMatching(/^Run #1 · deployed/),
    ]);
    expect(await axeSerious(page)).toEqual([]);
    await screenshot(page, 'controls-rollback');
    await page.getByRole('button', { name: 'Roll back' }).click();
    // A new run deploys run #1's bundle again.
    await eventually(async () => {
      const { json } = await apiCall<{ items: { trigger: string; parentRunId: string }[] }>(
        app.url,
        'GET',
        `/api/scenarios/${s.id}/runs`,
      );
      const latest = json.items[0];
      return latest && `${latest.trigger} of ${latest.parentRunId}`;
    }).toBe(`rollback of ${first.run.id}`);
    expect(watch.errors).toEqual([]);
  });
});
