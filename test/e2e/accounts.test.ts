import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { hashPassword } from '../../core/auth/password.ts';
import { createCampaign } from '../../db/campaigns.ts';
import { putMember } from '../../db/members.ts';
import { createScenario } from '../../db/scenarios.ts';
import { createUser } from '../../db/users.ts';
import {
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
 * AUTH_MODE=accounts in a real browser: the first-run page creates the first administrator; a
 * viewer signs in and sees no run controls (and the API answers 403); an operator starts and
 * cancels a run; a campaign administrator adds a member and finds the viewer's denial on the
 * Audit page.
 */
const PASSWORD = 'e2e password 0123';
let app: E2EApp;
let browser: Browser;
let campaignId: string;
let scenarioId: string;
const watches: ConsoleWatch[] = [];

beforeAll(async () => {
  app = await startE2EApp(inject('databaseUrl'), { AUTH_MODE: 'accounts' });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

async function as(name: string): Promise<Page> {
  const watch = new ConsoleWatch();
  watches.push(watch);
  const { page } = await newPage(browser, watch);
  await page.goto(app.url + '/');
  await page.waitForURL(/\/signin/);
  await page.getByLabel('User name').fill(name);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText(`Signed in as ${name}`).waitFor();
  return page;
}

describe('accounts in the dashboard', () => {
  it('shows the first-run page on loopback and creates the first administrator', async () => {
    const watch = new ConsoleWatch();
    watches.push(watch);
    const { page, context } = await newPage(browser, watch);
    await page.goto(app.url + '/');
    await page.waitForURL(/\/signin/);
    await page.getByRole('heading', { name: 'Create the first administrator' }).waitFor();
    expect(await axeSerious(page)).toEqual([]);
    await screenshot(page, 'accounts-first-run');
    await page.getByLabel('User name').fill('root');
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByLabel('Repeat the password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Create administrator' }).click();
    await page.getByText('Signed in as root').waitFor();
    // A global administrator adds users from the Users page.
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Users' })
      .click();
    await page.getByLabel('User name').fill('sam');
    await page.getByLabel('Password').fill('short');
    await page.getByRole('button', { name: 'Add user' }).click();
    await page.getByText('must be at least 10 characters').waitFor();
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Add user' }).click();
    await page.getByRole('cell', { name: 'sam', exact: true }).waitFor();
    expect(await axeSerious(page)).toEqual([]);
    await screenshot(page, 'accounts-users');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await axeSerious(page)).toEqual([]);
    await screenshot(page, 'accounts-sign-in');
    await context.close();

    const sql = app.sql;
    campaignId = (await createCampaign(sql, { name: 'Shared' }, 'test')).id;
    scenarioId = (
      await createScenario(
        sql,
        { campaignId, title: 'Todo app', request: 'A small todo list' },
        'test',
      )
    ).id;
    const hash = await hashPassword(PASSWORD);
    for (const [name, role] of [
      ['vic', 'viewer'],
      ['olga', 'operator'],
      ['ada', 'admin'],
    ] as const) {
      await createUser(sql, { name, passwordHash: hash, isAdmin: false }, 'test');
      await putMember(sql, { campaignId, userName: name, role }, 'test');
    }
  });

  it('a viewer sees no Generate, Cancel or Retry, and the API refuses a run with 403', async () => {
    const page = await as('vic');
    await page.getByRole('tab', { name: /Shared/ }).waitFor();
    expect(await page.getByRole('tab', { name: /All campaigns/ }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'New scenario' }).count()).toBe(0);
    await page.goto(`${app.url}/scenarios/${scenarioId}`);
    // Never deployed: nothing to download, and the page has loaded when its title shows.
    await page.locator('h1', { hasText: 'Todo app' }).waitFor();
    for (const name of [/^Generate/, /Cancel run/, /^Retry$/, /^Delete$/])
      expect(await page.getByRole('button', { name }).count(), String(name)).toBe(0);
    await screenshot(page, 'accounts-viewer-scenario');
    const status = await page.evaluate(
      async (id) =>
        (
          await fetch(`/api/scenarios/${id}/generate`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
          })
        ).status,
      scenarioId,
    );
    expect(status).toBe(403);
  });

  it('an operator starts a run and cancels it', async () => {
    const page = await as('olga');
    await page.goto(`${app.url}/scenarios/${scenarioId}`);
    const started = page.waitForResponse(
      (r) =>
        r.url().endsWith(`/api/scenarios/${scenarioId}/generate`) &&
        r.request().method() === 'POST',
    );
    await page.getByRole('button', { name: /^Generate/ }).click();
    expect((await started).status()).toBe(202);
    const cancel = page.getByRole('button', { name: 'Cancel run' });
    await eventually(() => cancel.isEnabled()).toBe(true);
    const cancelled = page.waitForResponse((r) => /\/api\/runs\/[^/]+\/cancel$/.test(r.url()));
    await cancel.click();
    expect((await cancelled).status()).toBe(200);
    expect(await page.getByRole('button', { name: /^Delete$/ }).count()).toBe(0);
    await screenshot(page, 'accounts-operator-scenario');
  });

  it('a campaign administrator adds a member and sees the denial on the Audit page', async () => {
    const page = await as('ada');
    await page.getByRole('link', { name: 'Members' }).click();
    await page.getByRole('heading', { name: 'Members of Shared' }).waitFor();
    await page.getByLabel('User name').fill('sam');
    await page.getByLabel('Role', { exact: true }).selectOption('operator');
    await page.getByRole('button', { name: 'Add member' }).click();
    await page.getByRole('button', { name: 'Remove sam' }).waitFor();
    expect(await page.getByLabel('Role of sam').inputValue()).toBe('operator');
    expect(await axeSerious(page)).toEqual([]);
    await screenshot(page, 'accounts-members');

    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Audit' })
      .click();
    const denial = page
      .getByRole('row')
      .filter({ hasText: 'user:vic' })
      .filter({ hasText: 'authz.denied' });
    await denial.first().waitFor();
    expect(await denial.first().textContent()).toContain('POST /api/scenarios/:id/generate');
    expect(await page.getByRole('row').filter({ hasText: 'member.add' }).count()).toBeGreaterThan(
      0,
    );
    expect(await axeSerious(page)).toEqual([]);
    await screenshot(page, 'accounts-audit');
  });

  it('logged no console errors; refusals were the expected 401s, the short password and the viewer’s 403', () => {
    for (const w of watches) {
      expect(w.errors).toEqual([]);
      expect(
        w.http.filter(
          (l) =>
            !/^401 GET \/api\/auth\/session$/.test(l) &&
            !/^400 POST \/api\/users$/.test(l) &&
            !/^403 POST \/api\/scenarios\/[^/]+\/generate$/.test(l),
        ),
      ).toEqual([]);
    }
  });
});
