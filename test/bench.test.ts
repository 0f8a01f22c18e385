import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BenchmarkList, BenchmarkView, PromptsOverview } from '../functions/contract/index.ts';
import { runCli, startServer, type Server } from './support/server.ts';

/**
 * `scenario-gen bench` against a server started as a new user starts it (embedded defaults, the
 * demo model, offline): the default request set's first two run through the real pipeline and the
 * report is printed as JSON; a second run pinned to a prompt version records that version.
 */
describe('scenario-gen bench with the demo model', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'sg-bench-'));
  const base = { PATH: process.env.PATH, HOME: process.env.HOME, LANG: 'C.UTF-8' };
  let server: Server;
  beforeAll(async () => {
    server = await startServer({ ...base, DATA_DIR: dataDir, LOG_LEVEL: 'warn' });
  }, 90_000);
  afterAll(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const get = async <T>(p: string) => (await (await fetch(`${server.url}${p}`)).json()) as T;

  it('bench --limit 2 --json prints the report of two finished runs', async () => {
    const r = await runCli(['bench', '--limit', '2', '--json', '--url', server.url], base);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/DEMO model/);
    const b = JSON.parse(r.stdout) as BenchmarkView;
    expect(b).toMatchObject({ requests: 2, demoModel: true, promptVersion: null });
    expect(b.finishedAt).not.toBeNull();
    expect(b.report).toMatchObject({ runs: 2, finished: 2, successRate: 1 });
    expect(b.report.byEvidence.tested + b.report.byEvidence.ran).toBe(2);
    expect(b.report.firstPass.judged).toBe(2);
    expect(b.report.durationMs.median).toBeGreaterThan(0);
    expect(b.report.durationMs.p95).toBeGreaterThanOrEqual(b.report.durationMs.median!);
    expect(b.report.costUsd.total).toBeGreaterThan(0);
    expect(b.report.turns.total).toBeGreaterThan(0);
    // The demo's planted runtime mistake is found in every run: the top signature says so.
    expect(b.report.topSignatures[0]?.runs).toBe(2);
  }, 300_000);

  it('--prompt-version pins the runs; the text report names it; both runs are listed', async () => {
    const prompts = await get<PromptsOverview>('/api/prompts');
    const implement = prompts.templates.find((t) => t.name === 'implement')!;
    const r = await runCli(
      ['bench', '--limit', '1', '--prompt-version', implement.fileVersion, '--url', server.url],
      base,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`prompt implement@${implement.fileVersion}`);
    expect(r.stdout).toMatch(/^Success \(ran or tested\): 100 % \(target > 85 %\)$/m);
    expect(r.stdout).toMatch(/^Time per scenario: median .+ min, p95 .+ min/m);
    const { items } = await get<BenchmarkList>('/api/benchmarks');
    expect(items.map((b) => b.requests)).toEqual([1, 2]);
    expect(items[0]!.promptVersion).toBe(implement.fileVersion);
  }, 300_000);
});
