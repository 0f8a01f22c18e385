import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ProgressBus } from '../../core/bus/port.ts';
import { createRedisBus } from '../../core/bus/redis.ts';
import { tryOwnExecutor } from '../../db/executor-owner.ts';
import { createReporter } from '../../db/progress.ts';
import type { TestDb } from '../support/db.ts';
import { readSse } from '../support/sse.ts';
import { edgeClient, startEdgeOnDb, type EdgeOnDb, type EdgeWorker } from './support.ts';

/**
 * Live progress and run control through the edge bundle under miniflare (workerd), on the test's
 * own schema: events a Node process publishes through Redis reach the edge's SSE clients through
 * Upstash (the REST shim in front of the same Redis), with replay on reconnect; a start is
 * refused while no worker holds the executor, and enqueued for one when a worker does.
 */
const TOKEN = 'edge-access-token-0123456789';
let on: EdgeOnDb;
let db: TestDb;
let edge: EdgeWorker;
let redisBus: ProgressBus;
let call: ReturnType<typeof edgeClient>;

beforeAll(async () => {
  on = await startEdgeOnDb(inject('redisUrl'), {
    ACCESS_TOKEN: TOKEN,
    // Poll the bus often: the test waits on live events.
    BUS_POLL_INTERVAL: '100ms',
  });
  ({ db, edge } = on);
  call = edgeClient(edge.url, TOKEN);
  redisBus = await createRedisBus({ url: inject('redisUrl') });
});

afterAll(async () => {
  await redisBus?.close();
  await on?.close();
});

async function newScenario(name: string): Promise<{ id: string; campaignId: string }> {
  const campaign = (await call('POST', '/api/campaigns', { name })).json;
  const s = (
    await call('POST', '/api/scenarios', { campaignId: campaign['id'], title: name, request: 'r' })
  ).json;
  return { id: s['id'] as string, campaignId: campaign['id'] as string };
}

describe('the edge entry: progress and runs', () => {
  it('streams what a Node process publishes through Redis, in order, and replays on reconnect', async () => {
    const s = await newScenario('Edge live');
    const reporter = createReporter({ db: db.sql, bus: redisBus });
    const publish = (i: number) =>
      reporter.report({ scenarioId: s.id, kind: 'log', message: `step ${i}` });
    const open = (lastId?: string) =>
      fetch(`${edge.url}/api/scenarios/${s.id}/events`, {
        headers: {
          authorization: `Bearer ${TOKEN}`,
          ...(lastId ? { 'last-event-id': lastId } : {}),
        },
      });

    const first = readSse(await open());
    const [snapshot] = await first.take(1);
    expect(snapshot!.event).toBe('snapshot');
    for (let i = 1; i <= 3; i++) await publish(i);
    const live = await first.take(3);
    expect(live.map((m) => m.data.message)).toEqual(['step 1', 'step 2', 'step 3']);
    const seqs = live.map((m) => Number(m.id));
    expect(seqs).toEqual([seqs[0]!, seqs[0]! + 1, seqs[0]! + 2]);
    await first.close();

    // Missed while away: the reconnecting client gets them first, then live ones, no snapshot.
    for (let i = 4; i <= 6; i++) await publish(i);
    const again = readSse(await open(live[2]!.id));
    const replayed = await again.take(3);
    expect(replayed.map((m) => m.event)).toEqual(['log', 'log', 'log']);
    expect(replayed.map((m) => m.data.message)).toEqual(['step 4', 'step 5', 'step 6']);
    await publish(7);
    const [next] = await again.take(1);
    expect(next!.data.message).toBe('step 7');
    expect([...replayed, next!].map((m) => Number(m.id))).toEqual(
      [3, 4, 5, 6].map((k) => seqs[0]! + k),
    );
    await again.close();
  });

  it('refuses to start a run while no worker is running, and creates nothing', async () => {
    const s = await newScenario('Edge no runner');
    const res = await call('POST', `/api/scenarios/${s.id}/generate`, {});
    expect(res.status).toBe(503);
    expect(res.type).toContain('application/problem+json');
    expect(res.json['detail']).toContain('scenario-gen start --role worker');
    const runs = await db.sql`SELECT id FROM runs WHERE scenario_id = ${s.id}`;
    expect(runs).toHaveLength(0);
    const queued =
      await db.sql`SELECT id FROM executor_runs WHERE event->'data'->>'scenarioId' = ${s.id}`;
    expect(queued).toHaveLength(0);
  });

  it('enqueues a run for the worker that owns the executor, and cancels it there', async () => {
    const s = await newScenario('Edge queue');
    // What a worker holds while it runs the executor (db/executor-owner.ts).
    const lock = await tryOwnExecutor(db.sql);
    expect(lock).toBeDefined();
    try {
      const started = await call('POST', `/api/scenarios/${s.id}/generate`, {});
      expect(started.status).toBe(202);
      const runId = started.json['id'] as string;
      expect(started.json).toMatchObject({ status: 'queued', scenarioId: s.id });
      const [queued] = await db.sql<
        { functionId: string; status: string; concurrencyKeys: string[] }[]
      >`
        SELECT function_id AS "functionId", status, concurrency_keys AS "concurrencyKeys" FROM executor_runs
         WHERE function_id = 'generate-scenario' AND event->'data'->>'runId' = ${runId}`;
      expect(queued).toEqual({
        functionId: 'generate-scenario',
        status: 'queued',
        concurrencyKeys: ['generate-scenario|0|', `generate-scenario|1|${s.campaignId}`],
      });

      const cancelled = await call('POST', `/api/runs/${runId}/cancel`);
      expect(cancelled.status).toBe(200);
      expect(cancelled.json['status']).toBe('cancelled');
      const [after] = await db.sql<{ status: string }[]>`
        SELECT status FROM executor_runs
         WHERE function_id = 'generate-scenario' AND event->'data'->>'runId' = ${runId}`;
      expect(after!.status).toBe('cancelled');
    } finally {
      await lock!.release();
    }
    // The worker is gone: the next start is refused again.
    expect((await call('POST', `/api/scenarios/${s.id}/generate`, {})).status).toBe(503);
  });
});
