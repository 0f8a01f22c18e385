import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as v from 'valibot';
import { createDbInteractionRecorder } from '../../db/agent-interactions.ts';
import { saveArtifact } from '../../db/artifacts.ts';
import { savePlanVersion } from '../../db/plans.ts';
import { createReporter } from '../../db/progress.ts';
import { enterPhase } from '../../db/run-state.ts';
import { stepFinished, stepStarted } from '../../db/run-steps.ts';
import { createRun } from '../../db/runs.ts';
import { saveValidation } from '../../db/validations.ts';
import { createApp } from '../../functions/app.ts';
import * as c from '../../functions/contract/index.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { createAccountsApp, type AccountsApp } from './accounts-support.ts';
import { readSse } from '../support/sse.ts';

/**
 * The contract holds for what the server really sends: real app, real Postgres, a run with steps,
 * log entries, a plan, a bundle and a validation; each answer parsed with its (strict) response
 * schema, so a field the server sends but the contract lacks fails as surely as a missing one.
 */
let t: TestApp;
let campaignId: string;
let scenarioId: string;
let runId: string;

/** Parses `value` with `schema`, failing with every issue's path and message. */
function expectShape<S extends v.GenericSchema>(schema: S, value: unknown): v.InferOutput<S> {
  const r = v.safeParse(schema, value, { abortEarly: false });
  if (!r.success) {
    const issues = r.issues.map((i) => `${v.getDotPath(i) ?? '(root)'}: ${i.message}`);
    expect.fail(`response does not match the contract:\n${issues.join('\n')}`);
  }
  return r.output;
}

async function get<S extends v.GenericSchema>(path: string, schema: S): Promise<v.InferOutput<S>> {
  const res = await t.call('GET', path);
  expect(res.status, `${path}: ${JSON.stringify(res.json)}`).toBe(200);
  return expectShape(schema, res.json);
}

beforeAll(async () => {
  t = await createTestApp();
  campaignId = (await t.call('POST', '/api/campaigns', { name: 'Contract', client: 'ACME' })).json
    .id;
  scenarioId = (
    await t.call('POST', '/api/scenarios', {
      campaignId,
      title: 'Contract check',
      request: 'A small app',
      config: { model: 'claude-sonnet-4-5', maxTurns: 20 },
    })
  ).json.id;
  const sql = t.db.sql;
  const run = await createRun(sql, { scenarioId, trigger: 'api', config: { a: 1 } }, 'local');
  runId = run.id;
  await enterPhase(sql, runId, 'planning', 1);
  await stepStarted(sql, {
    runId,
    stepKey: 'plan-1',
    phase: 'planning',
    iteration: 1,
    name: 'plan 1',
  });
  await stepFinished(sql, runId, 'plan-1', 'completed', 'scored 80');
  await stepStarted(sql, {
    runId,
    stepKey: 'refine-2',
    phase: 'planning',
    iteration: 2,
    name: 'refine 2',
  });
  const reporter = createReporter({ db: sql, bus: t.deps.bus });
  await reporter.report({
    scenarioId,
    runId,
    kind: 'status',
    status: 'planning',
    phase: 'planning',
    message: 'Planning',
  });
  await reporter.report({
    scenarioId,
    runId,
    kind: 'agent',
    phase: 'planning',
    iteration: 1,
    message: 'Write plan.md',
    data: { detail: { kind: 'tool_use', id: 't1', tool: 'Write', summary: 'plan.md' } },
    live: { progress: 10, lastAction: 'Write plan.md' },
  });
  await reporter.report({ scenarioId, runId, kind: 'log', level: 'warn', message: 'slow' });
  await savePlanVersion(sql, {
    runId,
    scenarioId,
    iteration: 1,
    objectKey: `plans/${runId}/1.md`,
    score: 80,
    rubric: { completeness: 80, feasibility: 80, clarity: 80, risk: 80 },
    critique: 'fine',
  });
  await saveArtifact(sql, {
    runId,
    scenarioId,
    phase: 'implementing',
    iteration: 1,
    kind: 'bundle',
    objectKey: `bundles/${runId}/1.tar`,
    manifest: [{ path: 'README.md', size: 5, mode: 0o644, sha256: 'ab'.repeat(32) }],
    fileCount: 1,
    totalBytes: 5,
    sha256: null,
  });
  const recorder = createDbInteractionRecorder(sql);
  const session = { sessionId: crypto.randomUUID(), agent: 'claude-code', promptTemplate: 'plan' };
  await recorder.start({ ...session, promptVersion: 'abc', runId, scenarioId, phase: 'planning' });
  await recorder.finish(session.sessionId, {
    outcome: 'success',
    outcomeDetail: {},
    turns: 3,
    usage: { inputTokens: 10, outputTokens: 20, cacheReadTokens: 0, cacheCreationTokens: 0 },
    costUsd: 0.01,
    durationMs: 900,
    permissionDenials: [{ tool: 'Write', path: '/etc/x' }],
    transcriptBytes: 100,
    transcriptTruncated: false,
  });
  await saveValidation(sql, {
    runId,
    scenarioId,
    phase: 'validating',
    validator: 'builtin',
    profile: 'vrooli-2025-08-07',
    attempt: 1,
    passed: false,
    errorCount: 1,
    warningCount: 0,
    findings: [
      {
        severity: 'error',
        ruleId: 'file.missing',
        file: 'README.md',
        message: 'x',
        signature: 'file.missing:README.md',
      },
    ],
    exitCode: null,
    rawOutputKey: null,
    durationMs: 12,
  });
});
afterAll(() => t.close());

describe('responses match the contract', () => {
  it('campaigns: list, one, created', async () => {
    const list = await get('/api/campaigns', c.CampaignList);
    expect(list.items.map((x) => x.name)).toContain('Contract');
    const one = await get(`/api/campaigns/${campaignId}`, c.Campaign);
    expect(one).toMatchObject({ client: 'ACME', scenarioCount: 1, activeCount: 1 });
    const made = await t.call('POST', '/api/campaigns', { name: 'Second', icon: 'rocket' });
    expect(made.status).toBe(201);
    expectShape(c.Campaign, made.json);
  });

  it('scenarios: detail and page', async () => {
    const s = await get(`/api/scenarios/${scenarioId}`, c.Scenario);
    expect(s).toMatchObject({ status: 'planning', phase: 'planning', lastAction: 'Write plan.md' });
    expect(s.config).toMatchObject({ model: 'claude-sonnet-4-5', maxTurns: 20 });
    const page = await get(`/api/scenarios?campaign=${campaignId}`, c.ScenarioPage);
    expect(page).toMatchObject({ total: 1, limit: 50, offset: 0 });
  });

  it('runs: list, detail with steps, per scenario, plans, artifacts, validations, interactions', async () => {
    expect((await get('/api/runs', c.RunList)).items[0]!.id).toBe(runId);
    const detail = await get(`/api/runs/${runId}`, c.RunDetail);
    expect(detail).toMatchObject({ status: 'running', phase: 'planning', number: 1 });
    expect(detail.steps.map((s) => s.status)).toEqual(['completed', 'running']);
    await get(`/api/scenarios/${scenarioId}/runs`, c.RunList);
    expect((await get(`/api/runs/${runId}/plans`, c.PlanList)).items[0]!.score).toBe(80);
    await get(`/api/runs/${runId}/artifacts`, c.ArtifactList);
    const checks = await get(`/api/runs/${runId}/validations`, c.ValidationList);
    expect(checks.items[0]!.findings[0]!.ruleId).toBe('file.missing');
    const sessions = await get(`/api/runs/${runId}/interactions`, c.InteractionList);
    expect(sessions.items[0]).toMatchObject({ outcome: 'success', turns: 3, inputTokens: 10 });
  });

  it('the log and the live stream: events and the snapshot', async () => {
    const log = await get(`/api/scenarios/${scenarioId}/logs`, c.LogList);
    expect(log.items.map((e) => e.type)).toEqual(['status', 'agent', 'log']);
    expect(log.items[1]!.detail).toMatchObject({ kind: 'tool_use', tool: 'Write' });
    const app = createApp(t.deps);
    const res = await app.fetch(new Request(`http://127.0.0.1/api/scenarios/${scenarioId}/events`));
    const sse = readSse(res);
    const [snapshot] = await sse.take(1);
    await sse.close();
    expect(snapshot!.event).toBe('snapshot');
    expect(expectShape(c.ScenarioStreamSnapshot, snapshot!.data).log).toHaveLength(3);
  });

  it('settings, profiles, analytics', async () => {
    const s = await get('/api/settings', c.Settings);
    expect(Object.keys(s.budgets)).toEqual(['simple', 'intermediate', 'advanced']);
    const patched = await t.call('PATCH', '/api/settings', {
      budgets: { simple: { maxTurns: 12 } },
    });
    expect(expectShape(c.Settings, patched.json).budgets.simple.maxTurns).toBe(12);
    await get('/api/profiles', c.Profiles);
    await get('/api/analytics', c.Analytics);
  });

  it('meta, health, readiness, the caller', async () => {
    expect(await get('/api/meta', c.Meta)).toMatchObject({ version: 'test', executor: 'local' });
    await get('/api/health', c.Health);
    await get('/api/ready', c.Ready);
    await get('/api/auth/status', c.AuthStatus);
    await get('/api/auth/session', c.SessionInfo);
  });

  it('problems: invalid input names the field', async () => {
    const res = await t.call('GET', '/api/scenarios/not-a-uuid');
    expect(res.status).toBe(400);
    expect(expectShape(c.Problem, res.json).errors?.[0]?.field).toBe('params.id');
  });
});

describe('accounts answers match the contract', () => {
  let a: AccountsApp;
  beforeAll(async () => {
    a = await createAccountsApp();
  });
  afterAll(() => a.t.close());

  it('users, members, the audit trail, signing in and the session', async () => {
    const admin = await a.user('root', { admin: true });
    const call = async (method: string, url: string, body?: unknown) => {
      const res = await a.fetch(method, url, { headers: { cookie: admin }, body });
      expect(res.status, url).toBeLessThan(300);
      return res.json() as Promise<unknown>;
    };
    const signedIn = await a.signIn('root');
    expectShape(c.SignedIn, await signedIn.json());
    expect(expectShape(c.SessionInfo, await call('GET', '/api/auth/session')).name).toBe('root');
    expectShape(
      c.User,
      await call('POST', '/api/users', { name: 'ann', password: 'a long passphrase 1' }),
    );
    expect(expectShape(c.UserList, await call('GET', '/api/users')).items).toHaveLength(2);
    const campaign = expectShape(
      c.Campaign,
      await call('POST', '/api/campaigns', { name: 'Team' }),
    );
    const members = `/api/campaigns/${campaign.id}/members`;
    expectShape(c.Member, await call('PUT', members, { name: 'ann', role: 'operator' }));
    expect(expectShape(c.MemberList, await call('GET', members)).items[0]!.role).toBe('operator');
    const audit = expectShape(c.AuditPage, await call('GET', '/api/audit?limit=2'));
    expect(audit.items).toHaveLength(2);
    expect(audit.nextBefore).toBe(audit.items[1]!.id);
  });
});
