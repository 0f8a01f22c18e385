import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createFsStore } from '../../core/store/fs.ts';
import { saveArtifact } from '../../db/artifacts.ts';
import { enterPhase, finishRun } from '../../db/run-state.ts';
import { createRun } from '../../db/runs.ts';
import { packBundle } from '../../runner/bundle.ts';
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
 * Change requests on the dashboard (issue 14 item 12), in Chromium against the real app: a
 * deployed scenario offers "Request a change", and its Versions tab keeps every deployed version
 * with what started it, the files changed from the version before (a line diff per file) and a
 * rollback to any earlier one. Two versions are seeded with real bundles in the app's store.
 */
let app: E2EApp;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const watch = new ConsoleWatch();
const work = mkdtempSync(path.join(tmpdir(), 'sg-versions-'));

beforeAll(async () => {
  app = await startE2EApp(inject('databaseUrl'));
  browser = await launchChromium();
  ({ context, page } = await newPage(browser, watch));
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await app?.stop();
  rmSync(work, { recursive: true, force: true });
});

const post = async (url: string, body?: unknown) =>
  (await apiCall<{ id: string }>(app.url, 'POST', url, body)).json;

/** A run that deployed `files`, with its bundle stored and named in its facts. */
async function deployed(scenarioId: string, files: Record<string, string>, change?: string) {
  const dir = path.join(work, `v${Object.keys(files).length}-${Date.now()}`);
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
    writeFileSync(path.join(dir, p), text);
  }
  const config = {
    planningIterations: 1,
    implementationIterations: 1,
    validationFixes: 1,
    ...(change ? { change: { request: change } } : {}),
  };
  const run = await createRun(
    app.sql,
    { scenarioId, trigger: change ? 'change' : 'api', config },
    'local',
  );
  for (const p of ['planning', 'implementing', 'validating', 'deploying'] as const)
    await enterPhase(app.sql, run.id, p);
  const store = createFsStore(path.join(app.dataDir, 'objects'));
  await store.init();
  const bundle = await packBundle(store, dir, `runs/${run.id}/bundles/implementing-01.tar.gz`);
  await store.close();
  await saveArtifact(app.sql, {
    runId: run.id,
    scenarioId,
    phase: 'implementing',
    iteration: 1,
    kind: 'bundle',
    objectKey: bundle.key,
    manifest: bundle.manifest,
    fileCount: bundle.fileCount,
    totalBytes: bundle.totalBytes,
    sha256: bundle.sha256,
  });
  const keys = { bundleKey: bundle.key, validBundleKey: bundle.key };
  await finishRun(app.sql, run.id, { status: 'succeeded', facts: { evidence: 'ran', keys } });
  return run;
}

describe('versions of a deployed scenario (item 12)', () => {
  it('lists versions with their changes and diffs, and starts a change from the page', async () => {
    const c = await post('/api/campaigns', { name: 'Versions' });
    const s = await post('/api/scenarios', {
      campaignId: c.id,
      title: 'Chore board',
      request: 'A chore board',
    });
    await deployed(s.id, {
      'README.md': '# Chore board\n\nChores for a family.\n',
      'api/main.go': 'package main\n\nfunc main() {}\n',
      'old.txt': 'gone soon\n',
    });
    await deployed(
      s.id,
      {
        'README.md': '# Chore board\n\nChores for a family, with a leaderboard.\n',
        'api/main.go': 'package main\n\nfunc main() {}\n',
        'ui/leaderboard.html': '<h1>Leaderboard</h1>\n',
      },
      'Add a leaderboard',
    );

    await page.goto(`${app.url}/scenarios/${s.id}`);
    await page.getByRole('tab', { name: /Versions/ }).click();
    const v2 = page.locator('[data-version="2"]');
    await v2.waitFor();
    expect(await v2.textContent()).toContain('Change: “Add a leaderboard”');
    expect(await v2.textContent()).toContain('deployed now');
    const summary = v2.locator('[data-changes-from="1"] summary');
    expect(await summary.textContent()).toContain('1 added, 1 changed, 1 removed');
    await summary.click();
    await v2.getByRole('button', { name: 'README.md' }).click();
    const diff = v2.getByRole('region', { name: /Differences from README\.md in version 1/ });
    await diff.waitFor();
    expect(await diff.locator('[data-op="add"]').textContent()).toContain('with a leaderboard');
    expect(await diff.locator('[data-op="del"]').textContent()).toContain('Chores for a family.');
    expect(
      await page
        .locator('[data-version="1"]')
        .getByRole('button', { name: 'Roll back to version 1' })
        .count(),
    ).toBe(1);
    expect(await axeSerious(page)).toEqual([]);
    await screenshot(page, 'versions-diff');

    // "Now add X": a change run starts from the deployed version.
    await page.getByRole('button', { name: 'Request a change' }).click();
    await page.getByRole('button', { name: 'Start the change' }).click();
    await page.locator('#cr-err').waitFor();
    await page.getByLabel('What should change?').fill('Add weekly rewards');
    await page.getByRole('button', { name: 'Start the change' }).click();
    await eventually(async () => {
      const { json } = await apiCall<{
        items: { trigger: string; config: { change?: { request: string } } }[];
      }>(app.url, 'GET', `/api/scenarios/${s.id}/runs`);
      return json.items[0]?.config.change?.request;
    }).toBe('Add weekly rewards');
    expect(watch.errors).toEqual([]);
  });
});
