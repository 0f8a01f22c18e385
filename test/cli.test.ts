import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connect } from '../db/client.ts';
import { runCli, startServer, type Server } from './support/server.ts';

/**
 * The terminal as a new user meets it: the real `scenario-gen` against the real server (demo
 * model, a database of its own). What generate --wait prints, the flags it takes, the trigger
 * and phase runs show, the model a demo run names, a filtered run list, and what a server whose
 * Inngest server is missing says.
 */
const base = { PATH: process.env.PATH, HOME: process.env.HOME, LANG: 'C.UTF-8' };

async function freshDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const adminUrl = inject('databaseUrl');
  const name = `sg_cli_${randomBytes(5).toString('hex')}`;
  const admin = connect(adminUrl, { max: 1 });
  await admin`CREATE DATABASE ${admin(name)}`;
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      await admin`DROP DATABASE IF EXISTS ${admin(name)} WITH (FORCE)`.catch(() => {});
      await admin.end({ timeout: 5 });
    },
  };
}

async function get<T>(server: Server, url: string): Promise<T> {
  return (await (await fetch(server.url + url)).json()) as T;
}

interface RunRow {
  id: string;
  scenarioTitle: string;
  trigger: string;
  status: string;
  config: Record<string, unknown>;
}

describe('the terminal on the demo model', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'sg-cli-'));
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let server: Server;
  beforeAll(async () => {
    db = await freshDatabase();
    server = await startServer({
      ...base,
      DATA_DIR: dataDir,
      DATABASE_URL: db.url,
      SEED_SAMPLES: 'false',
      LOG_LEVEL: 'warn',
    });
  }, 90_000);
  afterAll(async () => {
    await server?.stop();
    await db?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('generate --wait takes iteration, model and budget flags and ends saying where, evidence, time and cost', async () => {
    const r = await runCli(
      [
        'generate',
        'Please build me an app that tracks household chores for a family, with points and weekly rewards.',
        '--wait',
        '--plan-versions',
        '1',
        '--builds',
        '2',
        '--fixes',
        '3',
        '--budget',
        '0.5',
        '--max-turns',
        '20',
        '--url',
        server.url,
      ],
      base,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /^Deployed tracks-household-chores-for-a-family to \S+ \(evidence: tested\) in \d+ s, cost \$\d+\.\d\d\.$/m,
    );
    const { items } = await get<{ items: RunRow[] }>(server, '/api/runs');
    const run = items.find((x) => x.scenarioTitle === 'Tracks household chores for a family')!;
    expect(run.trigger).toBe('cli');
    expect(run.config).toMatchObject({
      planningIterations: 1,
      implementationIterations: 2,
      validationFixes: 3,
      model: 'demo-model',
    });
    // The demo model answered every session, and every place says so.
    const sessions = await get<{ items: { model: string | null }[] }>(
      server,
      `/api/runs/${run.id}/interactions`,
    );
    expect(new Set(sessions.items.map((s) => s.model))).toEqual(new Set(['demo-model']));
    const settings = await get<{ defaults: { model: string } }>(server, '/api/settings');
    expect(settings.defaults.model).toBe('demo-model');

    const runs = await runCli(['runs', '--url', server.url], base);
    expect(runs.stdout).toMatch(/Tracks household chores.*succeeded\s+done\s.*\scli$/m);
  }, 180_000);

  it('change SCENARIO "…" --wait deploys the change as a new version of the deployed scenario', async () => {
    const slug = 'tracks-household-chores-for-a-family';
    const r = await runCli(
      ['change', slug, 'Add a weekly leaderboard page.', '--wait', '--url', server.url],
      base,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`^Change of ${slug}: run 2 \\(\\S+\\) started`, 'm'));
    expect(r.stdout).toMatch(new RegExp(`^Deployed ${slug} to \\S+ \\(evidence: \\w+\\)`, 'm'));
    const { items } = await get<{ items: (RunRow & { parentRunId: string | null })[] }>(
      server,
      '/api/runs',
    );
    const ours = items.filter((x) => x.scenarioTitle === 'Tracks household chores for a family');
    const [change, first] = ours;
    expect(change).toMatchObject({
      trigger: 'change',
      status: 'succeeded',
      parentRunId: first!.id,
    });
    expect(change!.config.change).toMatchObject({ request: 'Add a weekly leaderboard page.' });

    // An unknown scenario: one line says so.
    const none = await runCli(['change', 'no-such-scenario', 'x', '--url', server.url], base);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/No scenario is named no-such-scenario/);
  }, 180_000);

  it('a bad flag value is named by the server', async () => {
    const r = await runCli(['generate', 'x', '--fixes', '9', '--url', server.url], base);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/body\.config\.validationFixes: must be from 1 to 5/);
  });

  it('runs --status says what it filtered when nothing matches', async () => {
    const r = await runCli(['runs', '--status', 'failed', '--url', server.url], base);
    expect(r.stdout).toBe('No failed runs among the recent ones.\n');
  });
});

describe('the terminal when INNGEST_DEV is on and no Inngest server runs', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'sg-cli-inngest-'));
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let server: Server;
  beforeAll(async () => {
    db = await freshDatabase();
    server = await startServer({
      ...base,
      DATA_DIR: dataDir,
      DATABASE_URL: db.url,
      SEED_SAMPLES: 'false',
      LOG_LEVEL: 'warn',
      INNGEST_DEV: 'http://127.0.0.1:9',
    });
  }, 90_000);
  afterAll(async () => {
    await server?.stop();
    await db?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('start-up says the mode; generate says why the run could not start; runs --status failed lists it', async () => {
    expect(server.output()).toMatch(/Runs are driven by an Inngest server/);
    const r = await runCli(['generate', 'A recipe box', '--url', server.url], base);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^503 The run could not be started: the inngest engine did not accept it/m,
    );
    expect(r.stderr).toMatch(/npx inngest-cli dev/);
    expect(r.stderr).not.toMatch(/could not complete the request/);
    const failed = await runCli(['runs', '--status', 'failed', '--url', server.url], base);
    expect(failed.code).toBe(0);
    expect(failed.stdout).toMatch(/Recipe box.*failed \(engine_unavailable\)/);
  }, 60_000);
});
