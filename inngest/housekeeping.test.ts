import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryBus } from '../core/bus/memory.ts';
import { createLogger } from '../core/log.ts';
import { createFsStore } from '../core/store/fs.ts';
import type { ObjectStore } from '../core/store/port.ts';
import { createCampaign } from '../db/campaigns.ts';
import { listLogs } from '../db/logs.ts';
import { createReporter } from '../db/progress.ts';
import { artifactPrunedAt, transcriptPrunedAt } from '../db/retention.ts';
import { createScenario } from '../db/scenarios.ts';
import { createTestDb, type TestDb } from '../test/support/db.ts';
import { createControl } from './control.ts';
import { housekeep, startHousekeeping } from './housekeeping.ts';
import { createRunLifecycle } from './lifecycle.ts';

/**
 * Retention on the real Postgres and the filesystem object store: expired transcripts and the
 * bundles of runs older than the last N deployed versions go from the store and their rows are
 * marked; the deployed bundle, a rollback's bundle, the bundles a retry restores from, and
 * everything of runs not finished stay.
 */
let db: TestDb;
let store: ObjectStore;
let dir: string;
let scenarioId: string;
const log = createLogger('error');
const runs = new Map<number, string>();
const artifacts = new Map<string, string>(); // object key → artifact id

async function run(
  number: number,
  status: string,
  o: { parent?: number; keys?: Record<string, string> } = {},
): Promise<void> {
  const [row] = await db.sql<{ id: string }[]>`
    INSERT INTO runs (scenario_id, number, status, parent_run_id, facts)
    VALUES (${scenarioId}, ${number}, ${status}, ${o.parent ? runs.get(o.parent)! : null},
            ${db.sql.json({ keys: o.keys ?? {} })})
    RETURNING id`;
  runs.set(number, row!.id);
}

async function artifact(runNumber: number, key: string, kind = 'bundle'): Promise<void> {
  await store.put(key, Buffer.from(`files of ${key}`));
  const [row] = await db.sql<{ id: string }[]>`
    INSERT INTO artifacts (run_id, scenario_id, phase, iteration, kind, object_key)
    VALUES (${runs.get(runNumber)!}, ${scenarioId}, 'implementing', ${artifacts.size + 1}, ${kind}, ${key})
    RETURNING id`;
  artifacts.set(key, row!.id);
}

async function exists(key: string): Promise<boolean> {
  return (await store.stat(key)) !== null;
}

beforeAll(async () => {
  db = await createTestDb();
  dir = mkdtempSync(path.join(tmpdir(), 'sg-housekeeping-'));
  store = createFsStore(dir);
  await store.init();
  const campaign = await createCampaign(db.sql, { name: 'Retention' }, 'test');
  scenarioId = (
    await createScenario(db.sql, { campaignId: campaign.id, title: 'T', request: 'R' }, 'test')
  ).id;
  // 1, 2, 4 and 6 deployed; 6 is a rollback to run 1's bundle; 5 retries the failed 3; 7 runs.
  await run(1, 'succeeded', { keys: { bundleKey: 'b/k1' } });
  await artifact(1, 'b/k1');
  await artifact(1, 'deploys/k1a.tar.gz', 'archive');
  await run(2, 'succeeded', { keys: { bundleKey: 'b/k2' } });
  await artifact(2, 'b/k2');
  await artifact(2, 'deploys/k2a.tar.gz', 'archive');
  await run(3, 'failed');
  await artifact(3, 'b/k3');
  await run(4, 'succeeded', {
    keys: { planKey: 'plans/k4', bundleKey: 'b/k4', validBundleKey: 'b/k4' },
  });
  await artifact(4, 'b/k4');
  await run(5, 'failed', { parent: 3 });
  await artifact(5, 'b/k5');
  await run(6, 'succeeded', { keys: { bundleKey: 'b/k1', validBundleKey: 'b/k1' } });
  await run(7, 'running');
  await artifact(7, 'b/k7');
});
afterAll(async () => {
  await db.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe('retention housekeeping', () => {
  const opts = () => ({ sql: db.sql, store, log, transcriptRetentionDays: 0, batch: 2 });

  it('BUNDLE_RETENTION=2 removes only what the last two deployed versions cannot need', async () => {
    const r = await housekeep({ ...opts(), bundleRetention: 2 });
    expect(r).toEqual({ transcripts: 0, bundles: 3, failed: 0 });
    for (const gone of ['deploys/k1a.tar.gz', 'b/k2', 'deploys/k2a.tar.gz']) {
      expect(await exists(gone)).toBe(false);
      expect(await artifactPrunedAt(db.sql, artifacts.get(gone)!)).toBeInstanceOf(Date);
    }
    // k1: the rollback (deployed now) uses it; k3: the retry 5 restores from it; 4, 5, 7: newer.
    for (const kept of ['b/k1', 'b/k3', 'b/k4', 'b/k5', 'b/k7']) {
      expect(await exists(kept)).toBe(true);
      expect(await artifactPrunedAt(db.sql, artifacts.get(kept)!)).toBeUndefined();
    }
    expect(await housekeep({ ...opts(), bundleRetention: 2 })).toEqual({
      transcripts: 0,
      bundles: 0,
      failed: 0,
    });
  });

  it('BUNDLE_RETENTION=1 still keeps the deployed bundle and the running run', async () => {
    const r = await housekeep({ ...opts(), bundleRetention: 1 });
    expect(r.bundles).toBe(3); // k3, k4, k5
    expect(await exists('b/k1')).toBe(true);
    expect(await exists('b/k7')).toBe(true);
    for (const gone of ['b/k3', 'b/k4', 'b/k5']) expect(await exists(gone)).toBe(false);
  });

  it('startHousekeeping sweeps at start, then on its interval, until stopped', async () => {
    await store.put('b/k9', Buffer.from('x'));
    await run(8, 'succeeded', { keys: { bundleKey: 'b/k9' } });
    await artifact(8, 'b/k9');
    // Now 8 is the newest deployed version; with 1 kept, 6's rollback bundle k1 may go.
    const job = startHousekeeping({ ...opts(), bundleRetention: 1, intervalMs: 50 });
    await new Promise((r) => setTimeout(r, 200));
    await job.stop();
    expect(await exists('b/k1')).toBe(false);
    expect(await exists('b/k9')).toBe(true);
    expect(await exists('b/k7')).toBe(true);
  });

  function controlOn(bus: ReturnType<typeof createMemoryBus>, sent: unknown[] = []) {
    return createControl({
      sql: db.sql,
      engine: {
        kind: 'local',
        send: async (e) => void sent.push(e),
        start: async () => {},
        stop: async () => {},
      },
      lifecycle: createRunLifecycle({
        sql: db.sql,
        reporter: createReporter({ db: db.sql, bus }),
      }),
      defaultModel: 'm',
    });
  }

  it('a rollback to a removed bundle is refused, saying retention removed it', async () => {
    const bus = createMemoryBus();
    await expect(
      controlOn(bus).rollback(scenarioId, artifacts.get('b/k2')!, 'test'),
    ).rejects.toThrow(/deleted by retention housekeeping \(BUNDLE_RETENTION\)/);
    await bus.close();
  });

  it('a retry of a run whose bundles were removed starts where it can and says why', async () => {
    // Run 4's bundle b/k4 went with BUNDLE_RETENTION=1; its plan (not a bundle) is still there.
    expect(await artifactPrunedAt(db.sql, artifacts.get('b/k4')!)).toBeInstanceOf(Date);
    const bus = createMemoryBus();
    const sent: Array<{ data: Record<string, unknown> }> = [];
    const retry = await controlOn(bus, sent).retry(runs.get(4)!, 'deploying', 'test');
    expect(retry.fromPhase).toBe('implementing');
    expect(sent[0]?.data).toMatchObject({ fromPhase: 'implementing', sourceRunId: runs.get(4) });
    const queued = (await listLogs(db.sql, scenarioId)).find((l) => l.runId === retry.id);
    expect(queued?.message).toMatch(
      /deploying was asked, but run 4 cannot resume there: it has no build that passed validation \(retention housekeeping, BUNDLE_RETENTION, deleted its bundles on \d{4}-/,
    );
    await bus.close();
  });

  it('TRANSCRIPT_RETENTION_DAYS removes finished sessions older than the period', async () => {
    const rows = [
      { key: 'transcripts/old.jsonl', status: 'finished', ageDays: 40 },
      { key: 'transcripts/new.jsonl', status: 'finished', ageDays: 1 },
      { key: 'transcripts/live.jsonl', status: 'running', ageDays: 40 },
    ].map((t) => ({ ...t, sessionId: randomUUID() }));
    for (const t of rows) {
      await store.put(t.key, Buffer.from('{"type":"system"}\n'));
      const at = new Date(Date.now() - t.ageDays * 86_400_000);
      await db.sql`
        INSERT INTO agent_interactions (run_id, scenario_id, session_id, prompt_template, prompt_version,
                                        status, transcript_key, started_at, finished_at)
        VALUES (${runs.get(4)!}, ${scenarioId}, ${t.sessionId}, 'implement', 'v1', ${t.status}, ${t.key},
                ${at}, ${t.status === 'finished' ? at : null})`;
    }
    const r = await housekeep({ ...opts(), transcriptRetentionDays: 30, bundleRetention: 0 });
    expect(r).toEqual({ transcripts: 1, bundles: 0, failed: 0 });
    expect(await exists('transcripts/old.jsonl')).toBe(false);
    expect(await transcriptPrunedAt(db.sql, rows[0]!.sessionId)).toBeInstanceOf(Date);
    for (const t of rows.slice(1)) {
      expect(await exists(t.key)).toBe(true);
      expect(await transcriptPrunedAt(db.sql, t.sessionId)).toBeUndefined();
    }
  });
});
