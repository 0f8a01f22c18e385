import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { crashFunction } from './testing/crash-function.ts';
import { harness, until, type Harness } from './testing/harness.ts';

let h: Harness;
let child: ChildProcess | undefined;
beforeAll(async () => {
  h = await harness();
  await h.db
    .sql`CREATE TABLE crash_log (id serial PRIMARY KEY, step text NOT NULL, pid integer NOT NULL)`;
});
afterAll(async () => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await h.close();
});

const counts = async (): Promise<Record<string, number>> => {
  const rows = await h.db.sql<
    { step: string; n: number }[]
  >`SELECT step, count(*)::int AS n FROM crash_log GROUP BY step`;
  return Object.fromEntries(rows.map((r) => [r.step, r.n]));
};

it('resumes after SIGKILL: saved steps never run again, the step in flight runs once more', async () => {
  const script = path.join(import.meta.dirname, 'testing', 'crash-child.ts');
  const proc = spawn(process.execPath, [script, h.db.url, h.db.schema], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child = proc;
  let stderr = '';
  proc.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<string | null>((resolve) =>
    proc.on('exit', (_code, signal) => resolve(signal)),
  );

  // The child is inside step b (it logged b and hangs there).
  await until(async () => (await counts()).b === 1, 20_000).catch((e: unknown) => {
    throw new Error(`child never reached step b: ${stderr}`, { cause: e });
  });
  proc.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');
  const [before] = await h.db.sql<
    { status: string }[]
  >`SELECT status FROM executor_runs WHERE event_id = 'crash-1'`;
  expect(before?.status).toBe('running');

  const ex = h.executor({ functions: [crashFunction(h.db.sql, { hang: false })] });
  await ex.start();
  const [run] = await ex.listRuns({ eventId: 'crash-1' });
  expect(await ex.waitForRun(run!.id)).toMatchObject({ status: 'completed', result: 'done' });
  expect(await counts()).toEqual({ a: 1, b: 2, c: 1 });
  const pids = await h.db.sql<
    { step: string; pid: number }[]
  >`SELECT step, pid FROM crash_log ORDER BY id`;
  expect(pids.map((p) => [p.step, p.pid === proc.pid ? 'child' : 'test'])).toEqual([
    ['a', 'child'],
    ['b', 'child'],
    ['b', 'test'],
    ['c', 'test'],
  ]);
  await ex.stop();
});
