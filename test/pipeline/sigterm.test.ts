import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findSessionProcesses } from '../../runner/agent/proc.ts';
import { stall } from '../../runner/model-double/script.ts';
import { createScenarioScript } from '../../runner/model-double/scenario-script.ts';
import { startServerProcesses, until, type ServerProcesses } from './server-process.ts';

/**
 * The server process gets SIGTERM while an agent session is in flight (the model double holds its
 * response open). It exits within its grace period, the session is recorded as `interrupted` and
 * its processes are gone; after a restart the run completes.
 */
describe('pipeline: SIGTERM mid-session', () => {
  let server: ServerProcesses;
  let implementCalls = 0;
  const startServer = () => server.start();

  beforeAll(async () => {
    server = await startServerProcesses(
      'sigterm',
      createScenarioScript({
        intercept: (task) => (task === 'implement' && implementCalls++ === 0 ? stall() : undefined),
      }),
    );
  });
  afterAll(() => server?.close());

  it('stops within its grace period, records the session as interrupted, and the run completes after a restart', async () => {
    const first = await startServer();
    const post = async (base: string, p: string, body?: unknown) =>
      (
        await fetch(`${base}${p}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body ?? {}),
        })
      ).json() as Promise<{ id: string }>;
    const campaign = await post(first.url, '/api/campaigns', { name: 'Crash' });
    const scenario = await post(first.url, '/api/scenarios', {
      campaignId: campaign.id,
      title: 'Crash test',
      request: 'Survive a crash',
      config: { planningIterations: 1, implementationIterations: 1, validationFixes: 1 },
    });
    const run = await post(first.url, `/api/scenarios/${scenario.id}/generate`);

    const stalled = await until('the implementation session to hang', async () => {
      const [row] = await server.sql<
        { session_id: string }[]
      >`SELECT session_id FROM agent_interactions WHERE run_id = ${run.id} AND step_key = 'implement-1' AND status = 'running'`;
      return row && findSessionProcesses(row.session_id).length && implementCalls > 0
        ? row.session_id
        : undefined;
    });
    const t0 = Date.now();
    first.child.kill('SIGTERM');
    await new Promise((r) => first.child.once('exit', r));
    // The server stops within its grace period (5 s to settle in-flight runs, then it stops them).
    expect(Date.now() - t0).toBeLessThan(20_000);
    // The session it stopped is recorded as interrupted (not failed, not cancelled), and the
    // agent's processes are gone with it.
    const [was] = await server.sql<
      { outcome: string }[]
    >`SELECT outcome FROM agent_interactions WHERE session_id = ${stalled}`;
    expect(was?.outcome).toBe('interrupted');
    expect(findSessionProcesses(stalled)).toEqual([]);

    const second = await startServer();
    const status = await until(
      'the run to finish',
      async () => {
        const [s] = await server.sql<
          { status: string }[]
        >`SELECT status FROM scenarios WHERE id = ${scenario.id}`;
        return s && ['deployed', 'failed', 'cancelled'].includes(s.status) ? s.status : undefined;
      },
      120_000,
    );
    expect(status).toBe('deployed');
    expect(findSessionProcesses(stalled)).toEqual([]);
    const perStep = await server.sql<{ step_key: string; n: number }[]>`
      SELECT step_key, count(*)::int AS n FROM agent_interactions WHERE run_id = ${run.id} GROUP BY step_key ORDER BY step_key`;
    expect(Object.fromEntries(perStep.map((r) => [r.step_key, r.n]))).toEqual({
      'plan-1': 1,
      'score-1': 1,
      'implement-1': 2,
    });
    const [old] = await server.sql<
      { outcome: string }[]
    >`SELECT outcome FROM agent_interactions WHERE session_id = ${stalled}`;
    expect(old!.outcome).toBe('interrupted');
    // Its live log says it went on after the restart, once.
    const logs = (await (
      await fetch(`${second.url}/api/scenarios/${scenario.id}/logs?after=0&limit=1000`)
    ).json()) as { items: { runId: string; message: string }[] };
    expect(
      logs.items.filter(
        (l) => l.runId === run.id && l.message.startsWith('Resumed after a restart'),
      ),
    ).toHaveLength(1);
    second.child.kill('SIGTERM');
    await new Promise((r) => second.child.once('exit', r));
  }, 240_000);
});
