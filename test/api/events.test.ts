import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryBus } from '../../core/bus/memory.ts';
import { createReporter, type ProgressReporter } from '../../db/progress.ts';
import { createApp } from '../../functions/app.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { readSse } from '../support/sse.ts';

describe('live progress over SSE', () => {
  let t: TestApp;
  let reporter: ProgressReporter;
  let fetchApp: (path: string, headers?: Record<string, string>) => Promise<Response>;
  let scenarioId: string;
  let campaignId: string;

  beforeAll(async () => {
    // A bus that keeps only 5 events per topic, so reconnects past it need the database.
    const bus = createMemoryBus({ maxPerTopic: 5 });
    t = await createTestApp({ SSE_HEARTBEAT: '200ms' }, { bus });
    const app = createApp(t.deps);
    fetchApp = async (path, headers = {}) =>
      app.fetch(new Request(`http://127.0.0.1${path}`, { headers }));
    reporter = createReporter({ db: t.db.sql, bus });
    campaignId = (await t.call('POST', '/api/campaigns', { name: 'Live' })).json.id;
    scenarioId = (
      await t.call('POST', '/api/scenarios', { campaignId, title: 'Live one', request: 'r' })
    ).json.id;
  });
  afterAll(() => t.close());

  const emit = (i: number) => reporter.report({ scenarioId, kind: 'log', message: `line ${i}` });

  it('sends a snapshot to a new viewer, then live events with increasing sequence numbers', async () => {
    await emit(1);
    const res = await fetchApp(`/api/scenarios/${scenarioId}/events`);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const sse = readSse(res);
    const [snapshot] = await sse.take(1);
    expect(snapshot!.event).toBe('snapshot');
    expect(snapshot!.data.scenario.id).toBe(scenarioId);
    expect(snapshot!.data.log.map((l: { message: string }) => l.message)).toEqual(['line 1']);
    await emit(2);
    await emit(3);
    const live = await sse.take(2);
    expect(live.map((m) => m.data.message)).toEqual(['line 2', 'line 3']);
    expect(live.map((m) => Number(m.id))).toEqual([
      Number(snapshot!.id) + 1,
      Number(snapshot!.id) + 2,
    ]);
    await sse.close();
  });

  it('resumes from Last-Event-ID with no gap, even past the replay buffer (Postgres fills it)', async () => {
    const [{ seq: start } = { seq: 0 }] = await t.db.sql<
      { seq: number }[]
    >`SELECT event_seq::int AS seq FROM scenarios WHERE id = ${scenarioId}`;
    for (let i = 0; i < 20; i++) await emit(100 + i);
    const res = await fetchApp(`/api/scenarios/${scenarioId}/events`, {
      'last-event-id': String(start),
    });
    const sse = readSse(res);
    const got = await sse.take(20);
    expect(got.map((m) => Number(m.id))).toEqual(
      Array.from({ length: 20 }, (_, i) => start + 1 + i),
    );
    expect(got.map((m) => m.data.message)).toEqual(
      Array.from({ length: 20 }, (_, i) => `line ${100 + i}`),
    );
    await emit(999);
    expect((await sse.take(1))[0]!.data.message).toBe('line 999');
    await sse.close();
  });

  it('catches up from the database after a restart, when the replay buffer is empty', async () => {
    const [{ seq: start } = { seq: 0 }] = await t.db.sql<
      { seq: number }[]
    >`SELECT event_seq::int AS seq FROM scenarios WHERE id = ${scenarioId}`;
    for (let i = 0; i < 3; i++) await emit(200 + i);
    // A restarted server: same database, a fresh (empty) bus.
    const restarted = createApp({ ...t.deps, bus: createMemoryBus() });
    const res = await restarted.fetch(
      new Request(`http://127.0.0.1/api/scenarios/${scenarioId}/events`, {
        headers: { 'last-event-id': String(start) },
      }),
    );
    expect(res.status).toBe(200);
    const sse = readSse(res);
    const got = await sse.take(3);
    expect(got.map((m) => Number(m.id))).toEqual([start + 1, start + 2, start + 3]);
    expect(got.map((m) => m.data.message)).toEqual(['line 200', 'line 201', 'line 202']);
    await sse.close();
  });

  it('sends heartbeats on an idle stream', async () => {
    const sse = readSse(await fetchApp(`/api/scenarios/${scenarioId}/events`));
    await sse.take(1);
    const beat = await sse.next(2000);
    expect(beat.event).toBe('comment');
    expect(beat.comment).toMatch(/^heartbeat \d+$/);
    await sse.close();
  });

  it('streams a campaign: snapshot first, then every scenario event; resumes by bus id', async () => {
    const sse = readSse(await fetchApp(`/api/events?campaign=${campaignId}`));
    const [snap] = await sse.take(1);
    expect(snap!.event).toBe('snapshot');
    expect(snap!.data.scenarios.map((s: { id: string }) => s.id)).toContain(scenarioId);
    await reporter.report({
      scenarioId,
      kind: 'progress',
      message: 'planning',
      live: { progress: 12 },
    });
    const [p] = await sse.take(1);
    expect(p!.data).toMatchObject({ type: 'progress', progress: 12, scenarioId, campaignId });
    await sse.close();
    await emit(1000);
    await emit(1001);
    const resumed = readSse(
      await fetchApp(`/api/events?campaign=${campaignId}`, { 'last-event-id': p!.id! }),
    );
    expect((await resumed.take(2)).map((m) => m.data.message)).toEqual(['line 1000', 'line 1001']);
    await resumed.close();
    const card = (await t.call('GET', `/api/scenarios/${scenarioId}`)).json;
    expect(card.progress).toBe(12);
  });

  it('refuses a malformed Last-Event-ID and unknown scenarios', async () => {
    expect(
      (await fetchApp(`/api/scenarios/${scenarioId}/events`, { 'last-event-id': 'abc' })).status,
    ).toBe(400);
    expect(
      (await fetchApp('/api/scenarios/00000000-0000-4000-8000-000000000000/events')).status,
    ).toBe(404);
    expect((await fetchApp('/api/events?campaign=nope')).status).toBe(400);
  });
});

describe('live events carry what cards show', () => {
  it("include the scenario's cumulative cost and last action", async () => {
    const t = await createTestApp();
    try {
      const bus = createMemoryBus();
      const reporter = createReporter({ db: t.db.sql, bus });
      const campaignId = (await t.call('POST', '/api/campaigns', { name: 'Costs' })).json.id;
      const scenarioId = (
        await t.call('POST', '/api/scenarios', { campaignId, title: 'Costly', request: 'r' })
      ).json.id;
      await t.db.sql`UPDATE scenarios SET cost_usd = 0.25 WHERE id = ${scenarioId}`;
      const ev = await reporter.report({
        scenarioId,
        kind: 'agent',
        message: 'Write README.md',
        live: { lastAction: 'Write README.md' },
      });
      expect(ev).toMatchObject({ totalCostUsd: 0.25, lastAction: 'Write README.md' });
      await bus.close();
    } finally {
      await t.close();
    }
  });
});
