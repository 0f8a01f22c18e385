import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startServer, type Server } from './support/server.ts';

/**
 * A new user's first run: `npm start` on embedded defaults with no Anthropic credentials (so the
 * labelled demo model is used), then `scenario-gen generate "…" --wait` from another terminal.
 */
describe('the embedded demo from the command line', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'sg-demo-'));
  const base = { PATH: process.env.PATH, HOME: process.env.HOME, LANG: 'C.UTF-8' };
  let server: Server;
  beforeAll(async () => {
    server = await startServer({ ...base, DATA_DIR: dataDir, LOG_LEVEL: 'warn' });
  }, 90_000);
  afterAll(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('says the demo model is in use, and generate --wait ends deployed with exit 0', async () => {
    expect(server.output()).toMatch(/DEMO model/);
    const meta = (await (await fetch(`${server.url}/api/meta`)).json()) as { demoModel: boolean };
    expect(meta.demoModel).toBe(true);
    const r = await runCli(
      [
        'generate',
        'A to-do list with due dates and reminders',
        '--wait',
        '--campaign',
        'Demo',
        '--url',
        server.url,
      ],
      base,
    );
    expect(r.stderr).toMatch(/DEMO model/);
    expect(r.stderr).toMatch(/\] 100%/);
    expect(r.stdout).toMatch(
      /^Deployed to-do-list-with-due-dates-and-reminders to .+ \(evidence: tested\) in .+, cost \$.+\.$/m,
    );
    expect(r.code).toBe(0);
    const runs = await runCli(['runs', '--url', server.url], base);
    expect(runs.code).toBe(0);
    expect(runs.stdout).toMatch(/To-do list with due dates.*succeeded/);
  }, 120_000);

  it.each(['vrooli-2025-08-07', 'vrooli-2025-08-29', 'vrooli-2026-01-09'])(
    '%s: the demo run ends deployed with evidence tested, one runtime finding fixed on the way',
    async (profile) => {
      const title = `Recipe box ${profile.slice(-5)}`;
      const r = await runCli(
        ['generate', title, '--wait', '--profile', profile, '--url', server.url],
        base,
      );
      expect(r.code, r.stderr).toBe(0);
      const { items } = (await (await fetch(`${server.url}/api/runs?limit=50`)).json()) as {
        items: Array<{ id: string; scenarioTitle: string }>;
      };
      const run = items.find((x) => x.scenarioTitle === title)!;
      const detail = (await (await fetch(`${server.url}/api/runs/${run.id}`)).json()) as {
        facts: Record<string, unknown>;
      };
      expect(detail.facts).toMatchObject({ evidence: 'tested', runtimeStatus: 'passed' });
      const body = (await (await fetch(`${server.url}/api/runs/${run.id}/validations`)).json()) as
        | {
            items: Array<{
              validator: string;
              attempt: number;
              passed: boolean;
              findings: Array<{ ruleId: string }>;
            }>;
          }
        | Array<{
            validator: string;
            attempt: number;
            passed: boolean;
            findings: Array<{ ruleId: string }>;
          }>;
      const v = Array.isArray(body) ? body : body.items;
      const runtime = v.filter((x) => x.validator === 'runtime');
      expect(runtime.map((x) => [x.attempt, x.passed])).toEqual([
        [1, false],
        [2, true],
      ]);
      expect(runtime[0]!.findings.some((f) => f.ruleId.startsWith('runtime.'))).toBe(true);
    },
    180_000,
  );

  it('exits non-zero when the run is cancelled', async () => {
    const pending = runCli(
      ['generate', 'An app that will be cancelled', '--wait', '--url', server.url],
      base,
    );
    let runId: string | undefined;
    for (let i = 0; i < 100 && !runId; i++) {
      const { items } = (await (
        await fetch(`${server.url}/api/runs?status=queued,running,sleeping`)
      ).json()) as { items: Array<{ id: string; scenarioTitle: string }> };
      runId = items.find((r) => r.scenarioTitle === 'App that will be cancelled')?.id;
      if (!runId) await new Promise((r) => setTimeout(r, 100));
    }
    expect(runId).toBeDefined();
    const cancel = await fetch(`${server.url}/api/runs/${runId}/cancel`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
    });
    expect(cancel.status).toBe(200);
    const r = await pending;
    expect(r.stdout).toMatch(/Run cancelled/);
    expect(r.code).toBe(1);
  }, 120_000);
});

describe('the embedded demo with the Codex CLI agent (AGENT=codex)', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'sg-demo-codex-'));
  const base = { PATH: process.env.PATH, HOME: process.env.HOME, LANG: 'C.UTF-8' };
  let server: Server;
  beforeAll(async () => {
    server = await startServer({ ...base, DATA_DIR: dataDir, LOG_LEVEL: 'warn', AGENT: 'codex' });
  }, 90_000);
  afterAll(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('generate --wait ends deployed, every session run by codex', async () => {
    const r = await runCli(['generate', 'A reading list', '--wait', '--url', server.url], base);
    if (r.code !== 0) {
      const { items } = (await (await fetch(`${server.url}/api/runs?limit=5`)).json()) as {
        items: Array<{ id: string; error: string | null }>;
      };
      const s = (await (
        await fetch(`${server.url}/api/runs/${items[0]!.id}/interactions`)
      ).json()) as { items: unknown[] };
      console.log(items[0]?.error, JSON.stringify(s.items.slice(-2)));
    }
    expect(r.code, r.stderr.slice(-300)).toBe(0);
    const { items } = (await (await fetch(`${server.url}/api/runs?limit=5`)).json()) as {
      items: Array<{ id: string }>;
    };
    const sessions = (await (
      await fetch(`${server.url}/api/runs/${items[0]!.id}/interactions`)
    ).json()) as { items: Array<{ agent?: string; promptTemplate: string }> };
    expect(sessions.items.length).toBeGreaterThan(0);
    expect(new Set(sessions.items.map((s) => s.agent))).toEqual(new Set(['codex']));
  }, 180_000);
});
