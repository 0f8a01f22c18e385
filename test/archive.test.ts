import { randomBytes, randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { create, extract } from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAppError } from '../core/errors.ts';
import { createObjectStore } from '../core/store/index.ts';
import type { ObjectStore } from '../core/store/port.ts';
import { exportArchive } from '../bin/archive/export.ts';
import { importArchive } from '../bin/archive/import.ts';
import type { Sql } from '../db/client.ts';
import { ARCHIVE_TABLES } from '../db/data-archive.ts';
import { tableSpec } from '../db/archive-tables.ts';
import { createTestDb, type TestDb } from './support/db.ts';
import { simulateHistory } from './support/history.ts';

/**
 * `scenario-gen export` / `import` round trip on the real Postgres: a history of runs with plans,
 * bundles, findings and transcripts is exported from one schema and object store, imported into
 * fresh ones, and every row and object byte compared.
 */
const RUNS = 200;
let tmp: string;
let src: { db: TestDb; store: ObjectStore };
let campaignA: string;
let campaignB: string;

async function storeAt(root: string) {
  const store = await createObjectStore({ kind: 'fs', root });
  await store.init();
  return store;
}

async function fresh(name: string) {
  return { db: await createTestDb(), store: await storeAt(path.join(tmp, name)) };
}

/** Every archived table's rows, whole, sorted by id. */
async function snapshot(sql: Sql) {
  const out: Record<string, unknown[]> = {};
  for (const t of ARCHIVE_TABLES) {
    const spec = tableSpec(t);
    const ignore = spec.serialId ? ['id'] : [];
    out[t] = (
      await sql`SELECT to_jsonb(t) - ${ignore}::text[] AS r FROM ${sql(t)} t ORDER BY ${spec.key.map((k) => sql`${sql(k)}`).reduce((a, b) => sql`${a}, ${b}`)}`
    ).map((x) => x.r);
  }
  return out;
}

/** Adds a plan, a bundle, a transcript (with objects) per run, a retry run and a run-only session. */
async function addArtifacts(
  sql: Sql,
  store: ObjectStore,
  runs: Array<{ runId: string; scenarioId: string }>,
) {
  for (const [i, r] of runs.entries()) {
    const plan = `plans/${r.runId}/v1.md`;
    const bundle = `bundles/${r.runId}/implementing-1.tar.gz`;
    const transcript = `transcripts/${r.runId}.jsonl`;
    await store.put(plan, `# Plan ${i}\n`);
    await store.put(bundle, randomBytes(2048 + i));
    await store.put(transcript, `{"type":"system","n":${i}}\n`);
    await sql`INSERT INTO plan_versions (run_id, scenario_id, iteration, score, object_key, chosen)
              VALUES (${r.runId}, ${r.scenarioId}, 1, 81.5, ${plan}, true)`;
    await sql`INSERT INTO artifacts (run_id, scenario_id, phase, iteration, object_key, file_count, total_bytes, sha256)
              VALUES (${r.runId}, ${r.scenarioId}, 'implementing', 1, ${bundle}, 3, 2048, ${'ab'.repeat(32)})`;
    await sql`INSERT INTO agent_interactions (run_id, scenario_id, session_id, prompt_template, prompt_version, cost_usd, transcript_key, status)
              VALUES (${r.runId}, ${i % 2 ? null : r.scenarioId}, ${randomUUID()}, 'plan', 'v1', 0.123456, ${transcript}, 'finished')`;
  }
  const first = runs[0]!;
  await sql`INSERT INTO runs (scenario_id, number, status, parent_run_id, trigger, created_at)
            VALUES (${first.scenarioId}, 2, 'failed', ${first.runId}, 'retry', now())`;
  await sql`UPDATE scenarios SET current_run_id = ${first.runId} WHERE id = ${first.scenarioId}`;
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'sg-archive-test-'));
  src = await fresh('src');
  const a = await simulateHistory(src.db.sql, {
    seed: 7,
    runs: RUNS,
    days: 30,
    signatures: { 'yaml:bad': () => 0.3 },
  });
  const b = await simulateHistory(src.db.sql, { seed: 8, runs: 5, days: 3 });
  campaignA = a.campaignId;
  campaignB = b.campaignId;
  await addArtifacts(src.db.sql, src.store, [...a.runs, ...b.runs]);
});

afterAll(async () => {
  await src?.db.drop();
  await rm(tmp, { recursive: true, force: true });
});

describe('export and import', () => {
  it('round-trips every row and object byte into a fresh database, and a second import changes nothing', async () => {
    const file = path.join(tmp, 'all.tar.gz');
    const t0 = performance.now();
    const out = await exportArchive({ sql: src.db.sql, store: src.store, file });
    const tExport = performance.now() - t0;
    expect(out.manifest.objects).toHaveLength((RUNS + 5) * 3);
    expect(out.manifest.missingObjects).toEqual([]);

    const dst = await fresh('dst');
    try {
      const t1 = performance.now();
      const first = await importArchive({ sql: dst.db.sql, store: dst.store, file });
      const tImport = performance.now() - t1;
      expect(first.inserted.runs).toBe(RUNS + 5 + 1);
      expect(first.objectsWritten).toBe(out.manifest.objects.length);
      const before = await snapshot(src.db.sql);
      expect(await snapshot(dst.db.sql)).toEqual(before);
      for (const o of out.manifest.objects)
        expect((await dst.store.get(o.key)).equals(await src.store.get(o.key))).toBe(true);

      const again = await importArchive({ sql: dst.db.sql, store: dst.store, file });
      expect(Object.values(again.inserted).every((n) => n === 0)).toBe(true);
      expect(again.objectsWritten).toBe(0);
      expect(await snapshot(dst.db.sql)).toEqual(before);
      console.log(
        `archive: ${RUNS + 6} runs, ${out.manifest.objects.length} objects, ${(out.bytes / 1024).toFixed(0)} KiB; export ${tExport.toFixed(0)} ms, import ${tImport.toFixed(0)} ms`,
      );
    } finally {
      await dst.db.drop();
    }
  });

  it('exports one campaign with --campaign, and nothing of the others', async () => {
    const file = path.join(tmp, 'b.tar.gz');
    const out = await exportArchive({
      sql: src.db.sql,
      store: src.store,
      file,
      campaignId: campaignB,
    });
    const count = Object.fromEntries(out.manifest.tables.map((t) => [t.name, t.rows]));
    expect(count).toMatchObject({
      campaigns: 1,
      scenarios: 5,
      runs: 5,
      plan_versions: 5,
      agent_interactions: 5,
    });
    const dst = await fresh('dst-b');
    try {
      await importArchive({ sql: dst.db.sql, store: dst.store, file });
      const [c] = await dst.db.sql`SELECT id FROM campaigns`;
      expect(c!.id).toBe(campaignB);
      expect((await dst.db.sql`SELECT 1 FROM campaigns WHERE id = ${campaignA}`).length).toBe(0);
    } finally {
      await dst.db.drop();
    }
  });

  it('refuses, naming the clash, when a row or an object exists with other contents', async () => {
    const file = path.join(tmp, 'b2.tar.gz');
    const out = await exportArchive({
      sql: src.db.sql,
      store: src.store,
      file,
      campaignId: campaignB,
    });
    const dst = await fresh('dst-c');
    try {
      await importArchive({ sql: dst.db.sql, store: dst.store, file });
      await dst.db.sql`UPDATE campaigns SET description = 'edited' WHERE id = ${campaignB}`;
      const rowClash = await importArchive({ sql: dst.db.sql, store: dst.store, file }).catch(
        (e) => e,
      );
      expect(isAppError(rowClash, 'conflict')).toBe(true);
      expect(rowClash.message).toContain(
        `campaigns row(s) already exist with other contents: id=${campaignB}`,
      );

      await dst.db.sql`UPDATE campaigns SET description = '' WHERE id = ${campaignB}`;
      const key = out.manifest.objects[0]!.key;
      await dst.store.put(key, 'other bytes');
      const objectClash = await importArchive({ sql: dst.db.sql, store: dst.store, file }).catch(
        (e) => e,
      );
      expect(isAppError(objectClash, 'conflict')).toBe(true);
      expect(objectClash.message).toContain(`object ${key} already exists`);
    } finally {
      await dst.db.drop();
    }
  });

  it('refuses, naming the constraint, when another row holds a unique value (a live campaign name)', async () => {
    const file = path.join(tmp, 'b3.tar.gz');
    await exportArchive({ sql: src.db.sql, store: src.store, file, campaignId: campaignB });
    const [c] = await src.db.sql`SELECT name FROM campaigns WHERE id = ${campaignB}`;
    const dst = await fresh('dst-e');
    try {
      await dst.db.sql`INSERT INTO campaigns (name) VALUES (${c!.name})`;
      const err = await importArchive({ sql: dst.db.sql, store: dst.store, file }).catch((e) => e);
      expect(isAppError(err, 'conflict'), String(err)).toBe(true);
      expect(err.message).toMatch(/campaigns rows clash .*campaigns_live_name/);
      expect((await dst.db.sql`SELECT 1 FROM scenarios`).length).toBe(0);
      expect(await dst.store.list('')).toEqual([]);
    } finally {
      await dst.db.drop();
    }
  });

  it('refuses an archive whose table file was edited (hash mismatch) or lost a row, writing nothing', async () => {
    const file = path.join(tmp, 'b4.tar.gz');
    await exportArchive({ sql: src.db.sql, store: src.store, file, campaignId: campaignB });
    const dir = path.join(tmp, 'b4');
    await mkdir(dir, { recursive: true });
    await extract({ file, cwd: dir });
    const runs = path.join(dir, 'tables/runs.ndjson');
    const text = await readFile(runs, 'utf8');
    const repack = async (name: string, body: string) => {
      await writeFile(runs, body);
      const out = path.join(tmp, name);
      await create({ gzip: true, file: out, cwd: dir }, ['manifest.json', 'tables', 'objects']);
      return out;
    };
    const dst = await fresh('dst-f');
    try {
      const edited = await repack('edited.tar.gz', text.replace('"failed"', '"succeeded"'));
      const e1 = await importArchive({ sql: dst.db.sql, store: dst.store, file: edited }).catch(
        (e) => e,
      );
      expect(isAppError(e1, 'bad_request'), String(e1)).toBe(true);
      expect(e1.message).toBe(
        "tables/runs.ndjson in the archive does not match its manifest's SHA-256: the archive is damaged.",
      );
      const lines = text.trimEnd().split('\n');
      const short = await repack('short.tar.gz', `${lines.slice(1).join('\n')}\n`);
      const e2 = await importArchive({ sql: dst.db.sql, store: dst.store, file: short }).catch(
        (e) => e,
      );
      expect(isAppError(e2, 'bad_request'), String(e2)).toBe(true);
      expect(e2.message).toMatch(/tables\/runs\.ndjson/);
      expect((await dst.db.sql`SELECT 1 FROM campaigns`).length).toBe(0);
      expect(await dst.store.list('')).toEqual([]);
    } finally {
      await dst.db.drop();
    }
  });

  it('refuses an archive whose manifest does not fit, before touching the database', async () => {
    const dir = path.join(tmp, 'bad');
    await rm(dir, { recursive: true, force: true });
    await import('node:fs/promises').then((fs) => fs.mkdir(dir));
    await writeFile(
      path.join(dir, 'manifest.json'),
      JSON.stringify({ format: 'scenario-gen-export', formatVersion: 2, tables: 'x' }),
    );
    const file = path.join(tmp, 'bad.tar.gz');
    await create({ gzip: true, file, cwd: dir }, ['manifest.json']);
    const dst = await fresh('dst-d');
    try {
      const err = await importArchive({ sql: dst.db.sql, store: dst.store, file }).catch((e) => e);
      expect(isAppError(err, 'bad_request')).toBe(true);
      expect(err.message).toMatch(/manifest\.json does not fit[\s\S]*tables: /);
      expect((await dst.db.sql`SELECT 1 FROM campaigns`).length).toBe(0);
      expect((await stat(file)).size).toBeGreaterThan(0);
    } finally {
      await dst.db.drop();
    }
  });
});
