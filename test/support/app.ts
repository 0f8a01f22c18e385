import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createMemoryBus } from '../../core/bus/memory.ts';
import { parseConfig } from '../../core/config.ts';
import { createFsStore } from '../../core/store/fs.ts';
import { createApp } from '../../functions/app.ts';
import type { AppDeps } from '../../functions/deps.ts';
import { createTestDb, type TestDb } from './db.ts';
import { noPipeline } from './no-pipeline.ts';

/**
 * The HTTP app around a database of the test's own, a filesystem store in a temp folder and an
 * in-process bus. `call` sends a request through app.fetch (no socket needed).
 */
export interface TestApp {
  db: TestDb;
  deps: AppDeps;
  call(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; type: string; json: any }>;
  close(): Promise<void>;
}

export async function createTestApp(
  env: Record<string, string> = {},
  extra: Partial<AppDeps> = {},
): Promise<TestApp> {
  const db = await createTestDb();
  const dir = mkdtempSync(path.join(tmpdir(), 'sg-app-'));
  const config = parseConfig({ DATA_DIR: dir, ...env });
  const store = createFsStore(path.join(dir, 'objects'));
  await store.init();
  const bus = createMemoryBus();
  const deps: AppDeps = {
    config,
    sql: db.sql,
    store,
    bus,
    meta: { version: 'test', demoModel: true, executor: 'local' },
    pipeline: noPipeline(),
    ...extra,
  };
  const app = createApp(deps);
  return {
    db,
    deps,
    async call(method, url, body, headers = {}) {
      const init: RequestInit = { method, headers: { ...headers } };
      // As the site and the CLI do: every mutating call is JSON, bodiless ones included.
      if (body !== undefined || !['GET', 'HEAD'].includes(method.toUpperCase()))
        (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
      if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
      const res = await app.fetch(new Request(`http://127.0.0.1${url}`, init));
      const text = await res.text();
      let json: unknown = undefined;
      try {
        json = text ? JSON.parse(text) : undefined;
      } catch {
        json = text;
      }
      return { status: res.status, type: res.headers.get('content-type') ?? '', json };
    },
    async close() {
      await bus.close();
      await store.close();
      await db.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
