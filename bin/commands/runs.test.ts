import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRun } from '../../db/runs.ts';
import { createApp } from '../../functions/app.ts';
import { listen, type RunningServer } from '../../functions/server.ts';
import { createTestApp, type TestApp } from '../../test/support/app.ts';
import { ApiError, createClient } from '../client.ts';
import type { CliIo } from '../command.ts';
import { command as runs } from './runs.ts';

/** What a terminal could act on: C0 controls, DEL and C1 controls. */
const CONTROL = /[\x00-\x1f\x7f-\x9f]/;
/** A title that would retitle the window, clear the screen and hide the rest if printed raw. */
const TITLE = '\x1b]0;owned\x07Order \x1b[2J\x1b[8mtracker\x9b0m';

async function invoke(args: string[], url: string) {
  let out = '';
  let err = '';
  const io: CliIo = {
    stdout: (t) => (out += t),
    stderr: (t) => (err += t),
    env: { SCENARIO_GEN_URL: url },
    signal: new AbortController().signal,
  };
  const code = await runs.run(args, io);
  return { code, out, err };
}

describe('the CLI prints server text terminal-safe', () => {
  let t: TestApp;
  let server: RunningServer;
  beforeAll(async () => {
    t = await createTestApp();
    server = await listen(createApp(t.deps), '127.0.0.1', 0);
    const campaign = (await t.call('POST', '/api/campaigns', { name: 'Escapes' })).json.id;
    const scenario = await t.call('POST', '/api/scenarios', {
      campaignId: campaign,
      title: TITLE,
      request: 'r',
    });
    expect(scenario.status).toBe(201);
    await createRun(t.db.sql, { scenarioId: scenario.json.id, trigger: 'api', config: {} }, 'test');
  });
  afterAll(async () => {
    await server?.close();
    await t?.close();
  });

  it('`runs` shows the title without its escape sequences', async () => {
    const r = await invoke([], server.url);
    expect(r.code).toBe(0);
    expect(r.out.replace(/\n/g, '')).not.toMatch(CONTROL);
    expect(r.out).toContain('Order tracker');
  });

  it('`runs --json` keeps the title exact, with every control character escaped', async () => {
    const r = await invoke(['--json'], server.url);
    expect(r.code).toBe(0);
    expect(r.out.replace(/\n/g, '')).not.toMatch(CONTROL);
    expect(JSON.parse(r.out)[0].scenarioTitle).toBe(TITLE);
  });

  it('error messages built from a problem document are terminal-safe', async () => {
    const client = createClient(server.url);
    const err = await client
      .call('POST', '/api/campaigns', { name: 'x', '\x1b]0;owned\x07field': 1 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    const message = (err as ApiError).message;
    expect(message).toContain('400');
    expect(message).toContain('field: Unknown field.');
    expect(message).not.toMatch(CONTROL);
  });
});
