import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccountsApp, type AccountsApp } from './accounts-support.ts';
import { simulateHistory } from '../support/history.ts';

/**
 * GET /metrics: the Prometheus text format, parsed line by line; figures match the database;
 * protected like the API (401 without credentials, 403 without the viewer role on every campaign).
 */
interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** A strict reader of the text exposition format 0.0.4: throws on any line it does not know. */
function parseProm(text: string): { types: Map<string, string>; samples: Sample[] } {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    const type = /^# TYPE ([a-zA-Z_:][\w:]*) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (type) {
      types.set(type[1]!, type[2]!);
      continue;
    }
    if (/^# HELP [a-zA-Z_:][\w:]* .*$/.test(line)) continue;
    // Values as Prometheus reads them (Go's ParseFloat: NaN and Inf in any case).
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (-?[\d.e+-]+|(?:nan|[+-]inf))$/i.exec(line);
    if (!m) throw new Error(`not Prometheus text: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, k, v] of (m[2] ?? '').matchAll(/([a-zA-Z_]\w*)="((?:[^"\\]|\\.)*)"/g))
      labels[k!] = v!;
    samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return { types, samples };
}

let a: AccountsApp;
let admin: string;
beforeAll(async () => {
  a = await createAccountsApp();
  admin = await a.user('root', { admin: true });
});
afterAll(() => a.t.close());

describe('GET /metrics', () => {
  it('is refused without credentials, and to a viewer of one campaign', async () => {
    expect((await a.fetch('GET', '/metrics')).status).toBe(401);
    const campaign = await a.fetch('POST', '/api/campaigns', {
      body: { name: 'Scoped' },
      headers: { cookie: admin },
    });
    const { id } = (await campaign.json()) as { id: string };
    const viewer = await a.user('watcher', { campaign: id, role: 'viewer' });
    expect((await a.fetch('GET', '/metrics', { headers: { cookie: viewer } })).status).toBe(403);
    expect(
      (await a.fetch('GET', `/metrics?campaign=${id}`, { headers: { cookie: viewer } })).status,
    ).toBe(403);
  });

  it('parses as Prometheus text and says what the database holds', async () => {
    const sql = a.t.db.sql;
    await simulateHistory(sql, { seed: 7, runs: 40, days: 10 });
    const [run] = await sql<
      { id: string; scenario_id: string }[]
    >`SELECT id, scenario_id FROM runs LIMIT 1`;
    await sql`INSERT INTO agent_interactions (run_id, scenario_id, session_id, prompt_template,
                prompt_version, status, outcome, input_tokens, output_tokens, cost_usd)
              VALUES (${run!.id}, ${run!.scenario_id}, ${randomUUID()}, 'plan', 'v1', 'finished',
                      'success', 1200, 340, 0.05)`;
    const res = await a.fetch('GET', '/metrics', { headers: { cookie: admin } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain; version=0.0.4');
    const text = await res.text();
    const { types, samples } = parseProm(text);
    const one = (name: string, labels: Record<string, string> = {}) =>
      samples.find(
        (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
      )?.value;

    const [db] = await sql<{ runs: number; planned: number; cost: string }[]>`
      SELECT (SELECT count(*)::int FROM runs) AS runs,
             (SELECT count(planning_ms)::int FROM run_stats) AS planned,
             (SELECT coalesce(sum(cost_usd), 0)::text FROM runs) AS cost`;
    const runs = samples.filter((s) => s.name === 'scenario_gen_runs');
    expect(runs.reduce((n, s) => n + s.value, 0)).toBe(db!.runs);
    expect(types.get('scenario_gen_runs')).toBe('gauge');
    expect(one('scenario_gen_agent_sessions', { agent: 'claude-code', outcome: 'success' })).toBe(
      1,
    );
    expect(one('scenario_gen_agent_tokens', { type: 'input' })).toBe(1200);
    expect(one('scenario_gen_agent_tokens', { type: 'output' })).toBe(340);
    expect(one('scenario_gen_cost_usd')).toBeCloseTo(Number(db!.cost), 5);
    expect(one('scenario_gen_queue_depth')).toBe(0);
    expect(one('scenario_gen_executor_lag_seconds')).toBe(0);
    expect(one('scenario_gen_sse_clients')).toBe(0);
    expect(types.get('scenario_gen_phase_duration_seconds')).toBe('histogram');
    const planning = samples.filter(
      (s) =>
        s.name === 'scenario_gen_phase_duration_seconds_bucket' && s.labels.phase === 'planning',
    );
    expect(planning.at(-1)).toMatchObject({ labels: { le: '+Inf' }, value: db!.planned });
    // Cumulative buckets never decrease.
    for (let i = 1; i < planning.length; i++)
      expect(planning[i]!.value).toBeGreaterThanOrEqual(planning[i - 1]!.value);
    expect(one('scenario_gen_phase_duration_seconds_count', { phase: 'planning' })).toBe(
      db!.planned,
    );
    expect(one('process_resident_memory_bytes')).toBeGreaterThan(0);
  });
});
