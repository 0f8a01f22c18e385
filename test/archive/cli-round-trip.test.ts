import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { mkdir, readdir, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connect, type Sql } from '../../db/client.ts';
import { migrate } from '../../db/migrate.ts';
import { createApiToken } from '../../db/api-tokens.ts';
import { createChannel } from '../../db/notification-channels.ts';
import { createUser } from '../../db/users.ts';
import { ARCHIVE_TABLES, tableSpec } from '../../db/archive-tables.ts';
import { createObjectStore } from '../../core/store/index.ts';
import { runCli, startServer } from '../support/server.ts';

/**
 * `scenario-gen export` and `import` as a user runs them: real processes, against a database
 * filled by real (demo-model) runs of the real server, imported into fresh databases and data
 * folders, and compared row by row and object byte by byte.
 */
const base = { PATH: process.env.PATH, HOME: process.env.HOME, LANG: 'C.UTF-8', LOG_LEVEL: 'warn' };
const SECRET = `https://hooks.example.test/${randomBytes(8).toString('hex')}`;
const cleanups: Array<() => Promise<void> | void> = [];

interface Instance {
  sql: Sql;
  env: NodeJS.ProcessEnv;
  objects: string;
}

/** A database and data folder of the test's own. */
async function instance(): Promise<Instance> {
  const adminUrl = inject('databaseUrl');
  const name = `sg_arch_${randomBytes(5).toString('hex')}`;
  const admin = connect(adminUrl, { max: 1 });
  await admin`CREATE DATABASE ${admin(name)}`;
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const sql = connect(url.toString(), { max: 2 });
  await migrate(sql);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'sg-arch-cli-'));
  cleanups.push(async () => {
    await sql.end({ timeout: 5 });
    await admin`DROP DATABASE IF EXISTS ${admin(name)} WITH (FORCE)`.catch(() => {});
    await admin.end({ timeout: 5 });
    rmSync(dataDir, { recursive: true, force: true });
  });
  return {
    sql,
    env: { ...base, DATABASE_URL: url.toString(), DATA_DIR: dataDir },
    objects: path.join(dataDir, 'objects'),
  };
}

/** Every archived table's rows (bigserial ids aside), in key order. */
async function rows(sql: Sql, tables = ARCHIVE_TABLES as readonly string[]) {
  const out: Record<string, unknown[]> = {};
  for (const t of tables) {
    const spec = tableSpec(t as never);
    const skip = spec.serialId ? ['id'] : [];
    const order = spec.key.map((k) => sql`${sql(k)}`).reduce((a, b) => sql`${a}, ${b}`);
    out[t] = (
      await sql`SELECT to_jsonb(t) - ${skip}::text[] AS r FROM ${sql(t)} t ORDER BY ${order}`
    ).map((x) => x.r);
  }
  return out;
}

/** Object keys named by rows, with the SHA-256 of each object's bytes in that data folder. */
async function objectHashes(sql: Sql, objects: string) {
  const keys = await sql<{ k: string }[]>`
    SELECT object_key AS k FROM plan_versions UNION SELECT object_key FROM artifacts
    UNION SELECT raw_output_key FROM validation_results WHERE raw_output_key IS NOT NULL
    UNION SELECT transcript_key FROM agent_interactions WHERE transcript_key IS NOT NULL
    ORDER BY 1`;
  const store = await createObjectStore({ kind: 'fs', root: objects });
  const out: Record<string, string> = {};
  try {
    for (const { k } of keys) {
      const data = await store.get(k).catch(() => null);
      out[k] = data ? createHash('sha256').update(data).digest('hex') : 'missing';
    }
  } finally {
    await store.close();
  }
  return out;
}

async function countFiles(dir: string): Promise<number> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).length;
}

let src: Instance;
let work: string;
let alpha: string;
let beta: string;

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'sg-arch-files-'));
  cleanups.push(() => rmSync(work, { recursive: true, force: true }));
  src = await instance();
  const server = await startServer({ ...src.env, SEED_SAMPLES: 'false' });
  try {
    for (const [campaign, request] of [
      ['Alpha', 'Please build an app that tracks household chores for a family, with points.'],
      ['Beta', 'Please build an app that keeps a reading list of books with notes per chapter.'],
    ] as const) {
      const r = await runCli(
        ['generate', request, '--campaign', campaign, '--wait', '--url', server.url].concat([
          '--plan-versions',
          '1',
          '--builds',
          '1',
          '--fixes',
          '1',
        ]),
        base,
      );
      expect(r.code, r.stderr + r.stdout).toBe(0);
    }
  } finally {
    await server.stop();
  }
  [alpha, beta] = (await src.sql<{ id: string }[]>`SELECT id FROM campaigns ORDER BY name`).map(
    (r) => r.id,
  ) as [string, string];
  await createChannel(
    src.sql,
    beta,
    {
      kind: 'webhook',
      name: 'ops hook',
      events: ['run.failed'],
      settings: {},
      secrets: { url: SECRET, secret: 'whsec_x' },
    },
    'local',
  );
  await createUser(src.sql, { name: 'ada', passwordHash: 'scrypt$x$y', isAdmin: true }, 'local');
  await createApiToken(
    src.sql,
    {
      name: 'ci',
      tokenHash: createHash('sha256').update('tok').digest(),
      role: 'operator',
      campaignId: alpha,
    },
    'local',
  );
}, 300_000);

afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

describe('scenario-gen export / import as processes', () => {
  let file: string;

  it('round-trips a whole instance into a fresh database: every row and every object byte', async () => {
    file = path.join(work, 'all.tar.gz');
    const out = await runCli(['export', file], src.env);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toMatch(/^Wrote .*all\.tar\.gz .*generation_logs \d+, .*objects\.$/m);
    // The channel's secrets are not in the archive, in any file.
    const tarText = gunzipSync(readFileSync(file)).toString('latin1');
    expect(tarText).not.toContain(SECRET);
    expect(tarText).toContain('ops hook');

    const dst = await instance();
    const imp = await runCli(['import', file], dst.env);
    expect(imp.code, imp.stderr).toBe(0);
    expect(imp.stdout).toMatch(/Imported .* new rows campaigns 2\/2, scenarios 2\/2, runs 2\/2/);
    expect(imp.stdout).toMatch(/ops hook/);

    const before = await rows(src.sql);
    const after = await rows(dst.sql);
    const afterText = JSON.stringify(after);
    for (const t of [
      'campaigns',
      'scenarios',
      'runs',
      'plan_versions',
      'artifacts',
      'validation_results',
      'agent_interactions',
      'run_steps',
      'generation_logs',
    ])
      expect(before[t]!.length, t).toBeGreaterThan(0);
    const [channel] = after.notification_channels as Array<Record<string, unknown>>;
    expect(channel).toMatchObject({ name: 'ops hook', secrets: {}, enabled: false });
    for (const r of [...before.notification_channels!, ...after.notification_channels!] as Array<
      Record<string, unknown>
    >) {
      delete r.secrets;
      delete r.enabled;
      delete r.updated_at;
    }
    expect(after).toEqual(before);
    // Derived tables come out the same as the source's, rebuilt by the import.
    const derived = async (sql: Sql) => ({
      stats: await sql`SELECT to_jsonb(t) AS r FROM run_stats t ORDER BY run_id`,
      sigs: await sql`SELECT to_jsonb(t) AS r FROM signature_runs t ORDER BY fingerprint, run_id`,
    });
    expect(await derived(dst.sql)).toEqual(await derived(src.sql));
    const hashes = await objectHashes(src.sql, src.objects);
    console.log(
      `archive cli: ${Object.keys(hashes).length} objects named by rows; missing in the source store: ${
        Object.entries(hashes)
          .filter(([, h]) => h === 'missing')
          .map(([k]) => k)
          .join(', ') || 'none'
      }`,
    );
    expect(Object.keys(hashes).length).toBeGreaterThanOrEqual(6);
    expect(Object.values(hashes)).not.toContain('missing');
    // The import is recorded in the target's own audit log.
    const [logged] =
      await dst.sql`SELECT actor, target_type FROM audit_log WHERE action = 'data.import'`;
    expect(logged).toEqual({ actor: 'local', target_type: 'instance' });
    expect(await objectHashes(dst.sql, dst.objects)).toEqual(hashes);

    // Again: identical rows and objects are skipped, nothing changes.
    const again = await runCli(['import', file], dst.env);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/new rows campaigns 0\/2, scenarios 0\/2, runs 0\/2,/);
    expect(again.stdout).toMatch(/; 0\/\d+ objects written/);
    expect(JSON.stringify(await rows(dst.sql))).toBe(afterText);

    // A row changed here since: the import refuses, naming the table and the id, and writes nothing.
    const [s] = await dst.sql<
      { id: string }[]
    >`SELECT id FROM scenarios WHERE campaign_id = ${beta}`;
    await dst.sql`UPDATE scenarios SET title = 'Renamed here' WHERE id = ${s!.id}`;
    await dst.sql`DELETE FROM generation_logs WHERE scenario_id = ${s!.id}`;
    const clash = await runCli(['import', file], dst.env);
    expect(clash.code).not.toBe(0);
    expect(clash.stderr).toContain(
      `scenarios row(s) already exist with other contents: id=${s!.id}`,
    );
    expect((await dst.sql`SELECT 1 FROM generation_logs WHERE scenario_id = ${s!.id}`).length).toBe(
      0,
    );
  }, 120_000);

  it('--campaign C exports that campaign only, without instance-wide tables', async () => {
    const one = path.join(work, 'beta.tar.gz');
    const out = await runCli(['export', '--campaign', beta, one], src.env);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).not.toMatch(/users|api_tokens|settings/);
    const dst = await instance();
    const imp = await runCli(['import', one], dst.env);
    expect(imp.code, imp.stderr).toBe(0);
    const ids = (t: string) => dst.sql`SELECT DISTINCT campaign_id AS c FROM ${dst.sql(t)}`;
    expect((await dst.sql`SELECT id FROM campaigns`).map((r) => r.id)).toEqual([beta]);
    expect((await ids('scenarios')).map((r) => r.c)).toEqual([beta]);
    expect((await dst.sql`SELECT 1 FROM users`).length).toBe(0);
    expect((await dst.sql`SELECT 1 FROM api_tokens`).length).toBe(0);
    const all = await rows(src.sql);
    const got = await rows(dst.sql);
    const betaScenarios = new Set((got.scenarios as Array<{ id: string }>).map((r) => r.id));
    for (const t of ['runs', 'plan_versions', 'artifacts', 'validation_results', 'generation_logs'])
      expect(got[t], t).toEqual(
        (all[t] as Array<{ scenario_id: string }>).filter((r) => betaScenarios.has(r.scenario_id)),
      );
    const hashes = await objectHashes(dst.sql, dst.objects);
    expect(Object.keys(hashes).length).toBeGreaterThanOrEqual(3);
    const srcHashes = await objectHashes(src.sql, src.objects);
    for (const [k, h] of Object.entries(hashes)) expect(h, k).toBe(srcHashes[k]);
  }, 60_000);

  it('a truncated or corrupt archive fails with a clear message and writes nothing', async () => {
    const dst = await instance();
    const cut = path.join(work, 'cut.tar.gz');
    await writeFile(cut, readFileSync(file).subarray(0, Math.floor((await stat(file)).size / 2)));
    const r = await runCli(['import', cut], dst.env);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/not a readable \.tar\.gz archive \(truncated or corrupt\?\)/);
    expect((await dst.sql`SELECT 1 FROM campaigns`).length).toBe(0);
    expect(await countFiles(dst.objects)).toBe(0);

    // A store write fails half way (a file stands where the last objects' folder must go): the
    // rows roll back and the objects this import already wrote are removed again.
    const present = Object.entries(await objectHashes(src.sql, src.objects));
    const keys = present
      .filter(([, h]) => h !== 'missing')
      .map(([k]) => k)
      .sort();
    const blocker = keys.at(-1)!.split('/')[0]!;
    expect(keys[0]!.startsWith(`${blocker}/`)).toBe(false);
    await mkdir(dst.objects, { recursive: true });
    await writeFile(path.join(dst.objects, blocker), 'in the way');
    const failed = await runCli(['import', file], dst.env);
    expect(failed.code).not.toBe(0);
    expect(failed.stderr.length).toBeGreaterThan(0);
    expect((await dst.sql`SELECT 1 FROM campaigns`).length).toBe(0);
    expect(await countFiles(dst.objects)).toBe(1);

    const empty = path.join(work, 'empty.tar.gz');
    await writeFile(empty, '');
    await truncate(empty, 0);
    const e = await runCli(['import', empty], dst.env);
    expect(e.code).not.toBe(0);
    expect(e.stderr).toMatch(/empty\.tar\.gz (is not a readable|holds no manifest)/);
  }, 60_000);
});
