/**
 * Scale benchmark: the same batch of demo runs on one `ROLE=all` process, then on one `ROLE=api`
 * process with two `ROLE=worker` processes, each on a database of its own and sharing Redis and
 * an S3 store (s3rver) — `scenario-gen start` as real processes, the demo model answering (no
 * credentials), runs started at once through the HTTP API.
 *
 *   node test/bench/scale.ts [runs=40]
 *
 * Prints `{ runs, cores, all: { totalMs, deployed, rssPeakMb }, split: { totalMs, deployed,
 * rssPeakMb: { api, worker1, worker2 } }, ratio }` on stdout (ratio = split ÷ all total time);
 * diagnostics on stderr. On the embedded engine one worker owns the executor and the other stands
 * by (taking over if the owner dies), so two workers do not run twice the work: execution scales
 * out under Inngest, which cannot run on these machines. What the split shows here is its cost:
 * the API off the executor's process, progress through Redis, artifacts through S3.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';
import { connect } from '../../db/client.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const RUNS = Number(process.argv[2] ?? 40);
const BASE = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const FINAL = new Set(['deployed', 'failed', 'cancelled']);

interface Proc {
  name: string;
  child: ChildProcess;
  url: string;
  peakMb(): number;
}

/** Peak resident memory of a process (VmHWM), in MB. */
function hwm(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const kb = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Math.round(Number(kb) / 102.4) / 10 : 0;
  } catch {
    return 0;
  }
}

async function start(name: string, env: Record<string, string>, dirs: string[]): Promise<Proc> {
  const dataDir = await mkdtemp(path.join(tmpdir(), `sg-scale-${name}-`));
  dirs.push(dataDir);
  const child = spawn(process.execPath, [path.join(ROOT, 'bin/scenario-gen.ts'), 'start'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      LANG: 'C.UTF-8',
      PORT: '0',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      SEED_SAMPLES: 'false',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let peak = 0;
  const sample = setInterval(() => (peak = Math.max(peak, hwm(child.pid))), 500);
  child.once('exit', () => clearInterval(sample));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /running at (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`${name} exited ${code}: ${out.slice(-2000)}`)));
  });
  return { name, child, url, peakMb: () => Math.max(peak, hwm(child.pid)) };
}

async function stop(procs: Proc[]): Promise<void> {
  await Promise.all(
    procs.map(async (p) => {
      if (p.child.exitCode !== null || p.child.signalCode !== null) return;
      const exited = new Promise((r) => p.child.once('exit', r));
      p.child.kill('SIGTERM');
      const t = setTimeout(() => p.child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(t);
    }),
  );
}

async function post<T>(url: string, body: unknown): Promise<T> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`POST ${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** Starts `RUNS` demo runs through the api at `url`; resolves when every one has ended. */
async function batch(url: string): Promise<{ totalMs: number; deployed: number }> {
  const campaign = await post<{ id: string }>(`${url}/api/campaigns`, {
    name: `Scale ${randomBytes(3).toString('hex')}`,
  });
  const ids: string[] = [];
  for (let i = 0; i < RUNS; i++)
    ids.push(
      (
        await post<{ id: string }>(`${url}/api/scenarios`, {
          campaignId: campaign.id,
          title: `Scale run ${i + 1}`,
          request: `A small tracker number ${i + 1} with a health route.`,
          config: { planningIterations: 1, implementationIterations: 1, validationFixes: 1 },
        })
      ).id,
    );
  const started = performance.now();
  for (const id of ids) await post(`${url}/api/scenarios/${id}/generate`, {});
  const status = new Map<string, string>();
  for (;;) {
    const page = (await (
      await fetch(`${url}/api/scenarios?campaign=${campaign.id}&limit=200`)
    ).json()) as { items: Array<{ id: string; status: string }> };
    for (const s of page.items) status.set(s.id, s.status);
    const done = ids.filter((id) => FINAL.has(status.get(id) ?? '')).length;
    if (done === ids.length) break;
    if (performance.now() - started > 30 * 60_000) throw new Error(`only ${done} ended in 30 min`);
    await new Promise((r) => setTimeout(r, 1000));
  }
  const totalMs = Math.round(performance.now() - started);
  for (const id of ids.filter((x) => status.get(x) !== 'deployed')) {
    const s = (await (await fetch(`${url}/api/scenarios/${id}`)).json()) as Record<string, unknown>;
    console.error(`not deployed: ${s.title} ${s.status}: ${String(s.error)}`);
    const runs = (await (await fetch(`${url}/api/scenarios/${id}/runs`)).json()) as {
      items: Array<{ id: string }>;
    };
    const run = runs.items[0];
    if (!run) continue;
    const v = (await (await fetch(`${url}/api/runs/${run.id}/validations`)).json()) as {
      items: Array<{ validator: string; passed: boolean; findings: unknown[] }>;
    };
    for (const a of v.items.filter((x) => !x.passed))
      console.error(`  ${a.validator}: ${JSON.stringify(a.findings).slice(0, 1500)}`);
  }
  return { totalMs, deployed: ids.filter((id) => status.get(id) === 'deployed').length };
}

async function withDatabase<T>(fn: (url: string) => Promise<T>): Promise<T> {
  const admin = connect(BASE, { max: 1 });
  const name = `sg_scale_${randomBytes(5).toString('hex')}`;
  await admin.unsafe(`CREATE DATABASE ${name}`);
  const u = new URL(BASE);
  u.pathname = `/${name}`;
  try {
    return await fn(u.toString());
  } finally {
    await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

const s3Dir = await mkdtemp(path.join(tmpdir(), 'sg-scale-s3-'));
const s3 = new S3rver({
  address: '127.0.0.1',
  port: 0,
  silent: true,
  directory: s3Dir,
  vhostBuckets: false,
});
const s3Port = (await s3.run()).port;
const dirs: string[] = [s3Dir];
const shared = (bucket: string) => ({
  REDIS_URL: REDIS,
  S3_ENDPOINT: `http://127.0.0.1:${s3Port}`,
  S3_ACCESS_KEY: 'S3RVER',
  S3_SECRET_KEY: 'S3RVER',
  S3_BUCKET: bucket,
});

try {
  const all = await withDatabase(async (db) => {
    const p = await start('all', { ROLE: 'all', DATABASE_URL: db, ...shared('scale-all') }, dirs);
    try {
      const r = await batch(p.url);
      return { ...r, rssPeakMb: p.peakMb() };
    } finally {
      await stop([p]);
    }
  });
  console.error(`all: ${JSON.stringify(all)}`);
  const split = await withDatabase(async (db) => {
    const env = { DATABASE_URL: db, ...shared('scale-split') };
    const procs = [
      await start('api', { ...env, ROLE: 'api' }, dirs),
      await start('worker1', { ...env, ROLE: 'worker' }, dirs),
      await start('worker2', { ...env, ROLE: 'worker' }, dirs),
    ];
    try {
      const r = await batch(procs[0]!.url);
      return {
        ...r,
        rssPeakMb: Object.fromEntries(procs.map((p) => [p.name, p.peakMb()])),
      };
    } finally {
      await stop(procs);
    }
  });
  console.error(`split: ${JSON.stringify(split)}`);
  console.log(
    JSON.stringify(
      {
        runs: RUNS,
        cores: availableParallelism(),
        all,
        split,
        ratio: Number((split.totalMs / all.totalMs).toFixed(2)),
      },
      null,
      2,
    ),
  );
} finally {
  await s3.close();
  for (const d of dirs) await rm(d, { recursive: true, force: true });
}
