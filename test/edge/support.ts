import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Miniflare } from 'miniflare';
import { bundleEdge } from '../../bin/edge-build.ts';
import { createTestDb, type TestDb } from '../support/db.ts';
import { startUpstashShim, type UpstashShim } from '../support/upstash-shim.ts';

/** The runtime's compatibility date, the same in deploy/wrangler.toml. */
export const COMPATIBILITY_DATE = '2026-07-01';

/** The built edge bundle served by workerd (miniflare), as Cloudflare Workers would run it. */
export interface EdgeWorker {
  url: string;
  bytes: number;
  close(): Promise<void>;
}

/** Builds bin/edge.ts with the edge build and serves it on a loopback port under miniflare. */
export async function startEdgeWorker(bindings: Record<string, string>): Promise<EdgeWorker> {
  const { code } = await bundleEdge();
  const dir = mkdtempSync(path.join(tmpdir(), 'sg-edge-'));
  const file = path.join(dir, 'worker.js');
  writeFileSync(file, code);
  const mf = new Miniflare({
    // Listed whole: miniflare cannot follow the bundle's one dynamic import (cloudflare:sockets,
    // which postgres.js loads lazily), and needs no module rules for a single file.
    modulesRoot: dir,
    modules: [{ type: 'ESModule', path: file, contents: code }],
    compatibilityDate: COMPATIBILITY_DATE,
    compatibilityFlags: ['nodejs_compat'],
    bindings,
    host: '127.0.0.1',
    port: 0,
  });
  const url = (await mf.ready).origin;
  return {
    url,
    bytes: code.length,
    async close() {
      await mf.dispose();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** p50 and p99 in ms of `n` sequential GETs of `url` (after `warm` unmeasured ones). */
export async function latency(
  url: string,
  headers: Record<string, string>,
  n = 200,
  warm = 20,
): Promise<{ p50: number; p99: number }> {
  const times: number[] = [];
  for (let i = 0; i < n + warm; i++) {
    const t = performance.now();
    const res = await fetch(url, { headers });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`GET ${url} answered ${res.status}`);
    if (i >= warm) times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!;
  return { p50: Number(at(0.5).toFixed(2)), p99: Number(at(0.99).toFixed(2)) };
}

/** Calls the edge app with the access token; answers status, content type and parsed JSON. */
export function edgeClient(base: string, token: string) {
  return async (method: string, url: string, body?: unknown) => {
    const res = await fetch(`${base}${url}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return {
      status: res.status,
      type: res.headers.get('content-type') ?? '',
      json: text ? (JSON.parse(text) as Record<string, unknown>) : {},
    };
  };
}

/** The edge bundle on a database of its own, with the Upstash shim in front of the machine's Redis. */
export interface EdgeOnDb {
  db: TestDb;
  shim: UpstashShim;
  edge: EdgeWorker;
  close(): Promise<void>;
}

/**
 * A test database (its schema chosen by DATABASE_URL's search_path), the Upstash shim to
 * `redisUrl`, and the edge bundle under miniflare with those bindings plus `bindings`.
 */
export async function startEdgeOnDb(
  redisUrl: string,
  bindings: Record<string, string> = {},
): Promise<EdgeOnDb> {
  const db = await createTestDb();
  const shim = await startUpstashShim({ redisUrl });
  const dbUrl = new URL(db.url);
  dbUrl.searchParams.set('search_path', db.schema);
  const edge = await startEdgeWorker({
    DATABASE_URL: dbUrl.href,
    UPSTASH_REDIS_REST_URL: shim.url,
    UPSTASH_REDIS_REST_TOKEN: shim.token,
    ...bindings,
  });
  return {
    db,
    shim,
    edge,
    async close() {
      await edge.close();
      await shim.close();
      await db.drop();
    },
  };
}
