import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findSessionProcesses } from '../../runner/agent/proc.ts';
import { stall } from '../../runner/model-double/script.ts';
import { createScenarioScript } from '../../runner/model-double/scenario-script.ts';
import { startServerProcesses, until, type ServerProcesses } from './server-process.ts';

/**
 * The server process is SIGKILLed while an agent session is in flight (the model double holds its
 * response open). After a restart the run completes; no step whose result was saved runs again;
 * the step in flight runs once more; the agent process from before the crash is gone; the live
 * log says the run was resumed after the restart.
 */
describe('pipeline: crash and resume', () => {
  let server: ServerProcesses;
  let implementCalls = 0;
  const startServer = () => server.start();

  beforeAll(async () => {
    server = await startServerProcesses(
      'crash',
      createScenarioScript({
        intercept: (task) => (task === 'implement' && implementCalls++ === 0 ? stall() : undefined),
      }),
    );
  });
  afterAll(() => server?.close());

  it('completes after a SIGKILL mid-session without re-running saved steps', async () => {
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
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));
    // The agent lives on in its own process group: only the restarted runner can clean it up.
    expect(findSessionProcesses(stalled).length).toBeGreaterThan(0);

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
    expect(old!.outcome).toBe('crashed');
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
