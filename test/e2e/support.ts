import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import type { Browser, BrowserContext, ConsoleMessage, Page } from 'playwright-core';
import { startApp, type StartedApp } from '../../bin/compose/app.ts';
import { parseConfig } from '../../core/config.ts';
import { createLogger } from '../../core/log.ts';
import { buildSite } from '../../deploy/build-site.ts';
import { connect, type Sql } from '../../db/client.ts';

/**
 * End-to-end support: the real app (bin/compose/app.ts, the same composition root `scenario-gen start`
 * uses) on a database of its own, the built site, and Debian's Chromium driven by
 * playwright-core. Everything started here is stopped by `stop()`.
 */
const ROOT = path.resolve(import.meta.dirname, '../..');
export const SCREENSHOTS = path.join(ROOT, 'test-artifacts', 'screenshots');
const AXE = path.join(ROOT, 'node_modules', 'axe-core', 'axe.min.js');

export interface E2EApp {
  url: string;
  /** A connection to the app's database (for seeding and checks). */
  sql: Sql;
  /** The app's DATA_DIR (its filesystem object store is under `objects/`). */
  dataDir: string;
  stop(): Promise<void>;
}

/** Creates a database of its own (`sg_e2e_…`) next to `adminUrl`'s and starts the app on it. */
export async function startE2EApp(
  adminUrl: string,
  env: Record<string, string> = {},
): Promise<E2EApp> {
  const line = await buildSite();
  if (line.includes('not built')) throw new Error(line);
  const name = `sg_e2e_${randomBytes(5).toString('hex')}`;
  const admin = connect(adminUrl, { max: 1 });
  await admin`CREATE DATABASE ${admin(name)}`;
  const dbUrl = new URL(adminUrl);
  dbUrl.pathname = `/${name}`;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'sg-e2e-'));
  let app: StartedApp | undefined;
  let sql: Sql | undefined;
  const cleanup = async () => {
    await sql?.end({ timeout: 5 }).catch(() => {});
    await app?.stop().catch(() => {});
    await admin`DROP DATABASE IF EXISTS ${admin(name)} WITH (FORCE)`.catch(() => {});
    await admin.end({ timeout: 5 });
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const config = parseConfig({
      DATABASE_URL: dbUrl.toString(),
      PORT: '0',
      DATA_DIR: dataDir,
      SEED_SAMPLES: 'false',
      LOG_LEVEL: 'warn',
      ...env,
    });
    app = await startApp(config, createLogger('warn'), {});
    sql = connect(dbUrl.toString(), { max: 2 });
    return { url: app.url, sql, dataDir, stop: cleanup };
  } catch (e) {
    await cleanup();
    throw e;
  }
}

/** expect.poll with room for a loaded machine (its default gives up after one second). */
export function eventually<T>(
  fn: () => T | Promise<T>,
  options: { timeout?: number; interval?: number } = {},
) {
  return expect.poll(fn, { timeout: 20_000, interval: 100, ...options });
}

export { launchChromium } from './browser.ts';

/**
 * Collects what a page logs as errors. The browser itself logs every failed HTTP response
 * ("Failed to load resource: … status of 400"); those are kept apart in `http` as
 * `STATUS METHOD PATH`, so a test can say exactly which refusals it provoked. Everything else
 * (the app's console.error, uncaught exceptions) is in `errors` and must stay empty.
 */
export class ConsoleWatch {
  readonly errors: string[] = [];
  readonly http: string[] = [];
  #failed = new Map<string, string[]>();
  watch(page: Page): void {
    page.on('response', (res) => {
      if (res.status() < 400) return;
      const url = new URL(res.url());
      const list = this.#failed.get(res.url()) ?? [];
      list.push(`${res.status()} ${res.request().method()} ${url.pathname}`);
      this.#failed.set(res.url(), list);
    });
    page.on('console', (msg: ConsoleMessage) => {
      if (msg.type() !== 'error') return;
      const where = msg.location().url ?? '';
      if (
        /^Failed to load resource: the server responded with a status of \d{3}/.test(msg.text())
      ) {
        const status = /status of (\d{3})/.exec(msg.text())![1]!;
        const seen = this.#failed.get(where)?.find((l) => l.startsWith(status));
        this.http.push(seen ?? `${status} ? ${where}`);
        return;
      }
      this.errors.push(`${msg.text()} (${where})`);
    });
    page.on('pageerror', (e) => this.errors.push(`uncaught: ${e.message}`));
  }
}

/** A page in a fresh context, its console watched. */
export async function newPage(
  browser: Browser,
  watch: ConsoleWatch,
  viewport = { width: 1280, height: 900 },
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  watch.watch(page);
  return { context, page };
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

/** Runs axe-core in the page; returns the serious and critical violations. */
export async function axeSerious(page: Page): Promise<AxeViolation[]> {
  const loaded = await page.evaluate(() => 'axe' in window);
  if (!loaded) await page.addScriptTag({ content: readFileSync(AXE, 'utf8') });
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: { run(ctx: Document, opts: object): Promise<{ violations: AxeViolation[] }> };
      }
    ).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes
        .slice(0, 5)
        .map((n) => ({ target: n.target, failureSummary: n.failureSummary })),
    }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** Horizontal overflow of the document: how many pixels it scrolls sideways (0 is good). */
export function sidewaysScroll(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

/** Saves a full-page screenshot under test-artifacts/screenshots/. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** Calls the app's JSON API (for set-up and checks; the UI is what the tests drive). */
export async function apiCall<T = unknown>(
  base: string,
  method: string,
  url: string,
  body?: unknown,
): Promise<{ status: number; json: T }> {
  const res = await fetch(base + url, {
    method,
    headers: method === 'GET' ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? null : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: (text ? JSON.parse(text) : undefined) as T };
}
