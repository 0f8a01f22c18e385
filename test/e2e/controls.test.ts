import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createFsStore } from '../../core/store/fs.ts';
import { createDbInteractionRecorder } from '../../db/agent-interactions.ts';
import { saveArtifact } from '../../db/artifacts.ts';
import { enterPhase, finishRun, markSleeping } from '../../db/run-state.ts';
import { stepStarted } from '../../db/run-steps.ts';
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

/** Writes an object into the app's filesystem store. */
async function writeObject(key: string, text: string): Promise<void> {
  const store = createFsStore(path.join(app.dataDir, 'objects'));
  await store.init();
  await store.put(key, Buffer.from(text));
  await store.close();
}

/** A finished agent session of a run, its transcript under `key`. */
async function recordSession(runId: string, scenarioId: string, sessionId: string, key: string) {
  const recorder = createDbInteractionRecorder(app.sql);
  await recorder.start({
    sessionId,
    agent: 'claude-code',
    promptTemplate: 'implement',
    promptVersion: '1',
    runId,
    scenarioId,
    phase: 'implementing',
    iteration: 1,
  });
  await recorder.finish(sessionId, {
    outcome: 'success',
    outcomeDetail: {},
    turns: 3000,
    usage: { inputTokens: 1, outputTokens: 1, cacheReadTokens: 0, cacheCreationTokens: 0 },
    costUsd: 0.5,
    durationMs: 1000,
    permissionDenials: [],
    transcriptKey: key,
    transcriptBytes: 1,
    transcriptTruncated: false,
  });
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

describe('edit a scenario and read a session (item 8)', () => {
  it('changes the title and request, and shows a transcript with tool calls folded', async () => {
    const c = await post('/api/campaigns', { name: 'Edits' });
    const s = await post('/api/scenarios', {
      campaignId: c.id,
      title: 'Habit trakcer',
      request: 'Track habits',
    });
    await page.goto(`${app.url}/scenarios/${s.id}`);
    await page.getByRole('button', { name: 'Edit title and request' }).click();
    await page.getByLabel('Title').fill('');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.locator('[data-field-error]').waitFor();
    await page.getByLabel('Title').fill('Habit tracker');
    await page.getByLabel('Request', { exact: true }).fill('Track daily habits with streaks');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await eventually(() => page.locator('h1').textContent()).toBe('Habit tracker');
    const { json } = await apiCall<{ title: string; request: string }>(
      app.url,
      'GET',
      `/api/scenarios/${s.id}`,
    );
    expect(json).toMatchObject({
      title: 'Habit tracker',
      request: 'Track daily habits with streaks',
    });

    // A session whose transcript is long: it streams in, tool calls folded with their results.
    const { run } = await deployedRun(s.id);
    const sessionId = randomUUID();
    const key = `transcripts/${sessionId}.jsonl`;
    const lines = [JSON.stringify({ type: 'system', subtype: 'init', model: 'demo-model' })];
    for (let i = 0; i < 3000; i++) {
      lines.push(
        JSON.stringify({
          type: 'assistant',
          message: {
            content: [
              { type: 'text', text: `Step ${i}: writing a file` },
              { type: 'tool_use', id: `t${i}`, name: 'Write', input: { file_path: `f${i}.txt` } },
            ],
          },
        }),
        JSON.stringify({
          type: 'user',
          message: {
            content: [{ type: 'tool_result', tool_use_id: `t${i}`, content: `wrote f${i}` }],
          },
        }),
      );
    }
    lines.push(
      JSON.stringify({ type: 'result', is_error: false, num_turns: 3000, total_cost_usd: 0.5 }),
    );
    await writeObject(key, lines.join('\n') + '\n');
    await recordSession(run.id, s.id, sessionId, key);

    await page.reload();
    await page.getByRole('tab', { name: /Agent sessions/ }).click();
    await page.getByRole('button', { name: /^Transcript of/ }).click();
    const viewer = page.locator(`[data-transcript="${sessionId}"]`);
    await eventually(() => viewer.getByRole('status').textContent()).toContain('3000 tool calls');
    const first = viewer.locator('details[data-tool="Write"]').first();
    expect(await first.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false);
    await first.locator('summary').click();
    expect(await first.textContent()).toContain('wrote f0');
    expect(await first.locator('summary').textContent()).toContain('Write f0.txt');
    expect(await viewer.getByText('Other line').count()).toBe(0);
    // Shown a page at a time.
    expect(await viewer.locator('li').count()).toBe(500);
    await viewer.getByRole('button', { name: /^Show 500 more/ }).click();
    expect(await viewer.locator('li').count()).toBe(1000);
    expect(await axeSerious(page)).toEqual([]);
    await screenshot(page, 'controls-transcript');
    expect(watch.errors).toEqual([]);
  });
});

describe('the dashboard view in the URL (item 10)', () => {
  it('keeps the campaign tab, filters and sort through a reload and a shared link', async () => {
    const c = await post('/api/campaigns', { name: 'Shared view' });
    for (const title of ['Zebra box', 'Apple box', 'Other'])
      await post('/api/scenarios', { campaignId: c.id, title, request: title });
    await page.goto(`${app.url}/`);
    await page.getByRole('tab', { name: /Shared view/ }).click();
    await page.getByLabel('Sort').selectOption('title');
    await page.getByLabel('Status').selectOption('draft');
    await page.getByLabel('Search').fill('box');
    await eventually(() => new URL(page.url()).searchParams.get('q')).toBe('box');
    const params = new URL(page.url()).searchParams;
    expect(Object.fromEntries(params)).toEqual({
      campaign: c.id,
      status: 'draft',
      q: 'box',
      sort: 'title',
    });
    const titles = () => page.locator('article h3').allTextContents();
    await eventually(titles).toEqual(['Apple box', 'Zebra box']);

    // A shared link, opened where nothing is remembered, shows the same view.
    const shared = page.url();
    const { context: other, page: fresh } = await newPage(browser, watch);
    try {
      await fresh.goto(shared);
      await eventually(() =>
        fresh.getByRole('tab', { name: /Shared view/ }).getAttribute('aria-selected'),
      ).toBe('true');
      expect(await fresh.getByLabel('Search').inputValue()).toBe('box');
      expect(await fresh.getByLabel('Status').inputValue()).toBe('draft');
      expect(await fresh.getByLabel('Sort').inputValue()).toBe('title');
      await eventually(() => fresh.locator('article h3').allTextContents()).toEqual([
        'Apple box',
        'Zebra box',
      ]);
      await screenshot(fresh, 'controls-shared-view');
    } finally {
      await other.close();
    }
    await page.reload();
    await eventually(() => new URL(page.url()).searchParams.get('sort')).toBe('title');
    expect(watch.errors).toEqual([]);
  });
});

describe('editable settings (item 7)', () => {
  it('changes defaults and concurrency from the settings page, field errors beside their field', async () => {
    await page.goto(`${app.url}/settings`);
    const plan = page.getByLabel('Plan versions, intermediate');
    await plan.waitFor();
    await plan.fill('9');
    await page.getByRole('button', { name: 'Save defaults' }).click();
    await eventually(() =>
      page.locator('#d-intermediate-planningIterations-err').textContent(),
    ).toContain('must be from 1 to 5');
    await plan.fill('4');
    await page.getByLabel('Model', { exact: true }).fill('claude-opus-4-1');
    await page.getByLabel('Agent', { exact: true }).selectOption('codex');
    await page.getByLabel('Usage-limit pause (minutes)').fill('30');
    await page.getByLabel('Runs at once (all campaigns)').fill('7');
    await page.getByRole('button', { name: 'Save defaults' }).click();
    await page.getByText('New scenarios and runs use these now.').waitFor();
    await page.locator('[data-restart-needed]').waitFor();
    expect(await axeSerious(page)).toEqual([]);
    await screenshot(page, 'controls-settings');
    const { json } = await apiCall<{
      defaults: {
        model: string;
        agent: string;
        usageLimitBackoffMs: number;
        iterations: Record<string, unknown>;
      };
      concurrency: { global: number };
    }>(app.url, 'GET', '/api/settings');
    expect(json.defaults.iterations.intermediate).toMatchObject({ planningIterations: 4 });
    expect(json.defaults.usageLimitBackoffMs).toBe(30 * 60_000);
    expect(json.concurrency.global).toBe(7);
    expect(json.defaults.agent).toBe('codex');

    // The new-scenario form starts from the changed iterations.
    const c = await post('/api/campaigns', { name: 'Settings' });
    await page.goto(`${app.url}/scenarios/new?campaign=${c.id}`);
    await page.getByLabel('Complexity').selectOption('intermediate');
    await eventually(() => page.getByLabel('Plan versions, up to').inputValue()).toBe('4');
    expect(watch.errors).toEqual([]);
    // Later tests run with the environment's agent.
    await apiCall(app.url, 'PATCH', '/api/settings', { defaults: { agent: 'claude-code' } });
  });
});

describe('dark mode (item 11)', () => {
  const background = (p: Page) =>
    p.evaluate(() => {
      const [r, g, b] = getComputedStyle(document.documentElement)
        .backgroundColor.match(/\d+/g)!
        .map(Number) as [number, number, number];
      return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
    });

  it('follows the system, and a toggle overrides it across reloads', async () => {
    const c = await post('/api/campaigns', { name: 'Night owls' });
    await post('/api/scenarios', { campaignId: c.id, title: 'Star map', request: 'Stars' });
    const dark = await browser.newContext({
      colorScheme: 'dark',
      viewport: { width: 1280, height: 900 },
    });
    try {
      const p = await dark.newPage();
      watch.watch(p);
      await p.goto(`${app.url}/?campaign=${c.id}`);
      await p.locator('article', { hasText: 'Star map' }).waitFor();
      expect(await background(p)).toBeLessThan(0.2);
      expect(await axeSerious(p)).toEqual([]);
      await screenshot(p, 'controls-dark');
      await p.goto(`${app.url}/settings`);
      await p.getByLabel('Plan versions, simple').waitFor();
      expect(await axeSerious(p)).toEqual([]);
      await screenshot(p, 'controls-dark-settings');
    } finally {
      await dark.close();
    }

    // A light system, the reader picks dark: kept after a reload; "system" gives light back.
    await page.goto(`${app.url}/`);
    const select = page.getByLabel('Colour scheme');
    expect(await background(page)).toBeGreaterThan(0.8);
    await select.selectOption('dark');
    expect(await background(page)).toBeLessThan(0.2);
    await page.reload();
    await page.getByLabel('Colour scheme').waitFor();
    expect(await background(page)).toBeLessThan(0.2);
    expect(await page.getByLabel('Colour scheme').inputValue()).toBe('dark');
    await page.getByLabel('Colour scheme').selectOption('system');
    expect(await background(page)).toBeGreaterThan(0.8);
    expect(watch.errors).toEqual([]);
  });
});

describe('spending caps (item 11b)', () => {
  it('sets caps on the settings page and a campaign, and shows why a run is paused', async () => {
    await page.goto(`${app.url}/settings`);
    await page.getByLabel('Per run, USD').fill('0');
    await page.getByRole('button', { name: 'Save caps' }).click();
    await eventually(() => page.locator('#c-run-err').textContent()).toContain('at least 0.01');
    await page.getByLabel('Per run, USD').fill('2.5');
    await page.getByLabel('All runs per day (UTC), USD').fill('20');
    await page.getByRole('button', { name: 'Save caps' }).click();
    await page.getByText('Caps saved.').waitFor();
    const { json } = await apiCall<{ spendCaps: unknown }>(app.url, 'GET', '/api/settings');
    expect(json.spendCaps).toEqual({ runUsd: 2.5, dailyUsd: 20 });

    const c = await post('/api/campaigns', { name: 'Capped' });
    await page.goto(`${app.url}/?campaign=${c.id}`);
    await page.getByRole('button', { name: 'Rename / edit' }).click();
    await page.getByLabel(/Spending cap, USD/).fill('5');
    await page.getByRole('button', { name: /^Save/ }).click();
    await eventually(
      async () =>
        (await apiCall<{ budgetUsd: number | null }>(app.url, 'GET', `/api/campaigns/${c.id}`)).json
          .budgetUsd,
    ).toBe(5);

    // A run paused on the campaign's cap (as the pipeline leaves it) says so, and how to go on.
    const s = await post('/api/scenarios', { campaignId: c.id, title: 'Pricey', request: 'x' });
    const run = await createRun(
      app.sql,
      { scenarioId: s.id, trigger: 'api', config: CONFIG },
      'local',
    );
    await enterPhase(app.sql, run.id, 'implementing');
    const reason =
      "Paused: the campaign's spending cap of $5.00 is reached ($5.03 spent). Raise it to continue.";
    await markSleeping(app.sql, run.id, new Date(Date.now() + 60_000), reason);
    await stepStarted(app.sql, {
      runId: run.id,
      stepKey: 'implement-2:spend:sleep',
      phase: 'implementing',
      name: 'spending cap: paused',
      kind: 'sleep',
      status: 'sleeping',
      message: reason,
    });
    await page.goto(`${app.url}/scenarios/${s.id}`);
    await eventually(() => page.locator('[data-pause]').textContent()).toBe(reason);
    expect(await page.locator('[data-last-action]').textContent()).toBe(reason);
    expect(await page.locator('h1 + [data-status]').textContent()).toContain(
      'Paused (spending cap)',
    );
    expect(await axeSerious(page)).toEqual([]);
    await screenshot(page, 'controls-spend-cap');
    expect(watch.errors).toEqual([]);
  });
});
