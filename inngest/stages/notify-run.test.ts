import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { createMemoryBus } from '../../core/bus/memory.ts';
import { createLogger } from '../../core/log.ts';
import { newWebhookSecret } from '../../core/notify/index.ts';
import {
  startHttpReceiver,
  startSmtpReceiver,
  type HttpReceiver,
  type SmtpReceiver,
} from '../../core/notify/testing/receivers.ts';
import { createCampaign } from '../../db/campaigns.ts';
import { createChannel, type ChannelInput } from '../../db/notification-channels.ts';
import { listDeliveries } from '../../db/notification-deliveries.ts';
import { createReporter } from '../../db/progress.ts';
import { createScenario } from '../../db/scenarios.ts';
import { createTestDb, type TestDb } from '../../test/support/db.ts';
import { createLocalExecutor } from '../engine/local/executor.ts';
import type { LocalExecutor } from '../engine/local/types.ts';
import { until } from '../engine/local/testing/harness.ts';
import { createRunLifecycle, type RunLifecycle } from '../lifecycle.ts';
import { noticeEvent } from '../notices.ts';
import { createNotifyRun } from './notify-run.ts';

/**
 * Runs end through the lifecycle, which sends a notice; notify-run (on the local executor)
 * delivers it to every subscribed channel of the campaign, each to a receiver on loopback.
 */
let db: TestDb;
let http: HttpReceiver;
let hook: HttpReceiver;
let smtp: SmtpReceiver;
const executors: LocalExecutor[] = [];
const log = createLogger('error');
beforeAll(async () => {
  db = await createTestDb();
  [http, hook, smtp] = await Promise.all([
    startHttpReceiver(),
    startHttpReceiver(),
    startSmtpReceiver(),
  ]);
});
afterAll(async () => {
  for (const ex of executors) await ex.stop({ timeoutMs: 2000 });
  await Promise.all([http.close(), hook.close(), smtp.close()]);
  await db.drop();
});

const executor = (backoffMs: number): LocalExecutor => {
  const ex = createLocalExecutor({
    sql: db.sql,
    functions: [createNotifyRun({ sql: db.sql, log })],
    retryBackoff: () => backoffMs,
    pollIntervalMs: 50,
  });
  executors.push(ex);
  return ex;
};
/** Stops every executor so far: the next one is the only server working. */
const stopAll = async () => {
  for (const ex of executors.splice(0)) await ex.stop({ timeoutMs: 2000 });
};
const lifecycleOn = (ex: LocalExecutor): RunLifecycle =>
  createRunLifecycle({
    sql: db.sql,
    reporter: createReporter({ db: db.sql, bus: createMemoryBus() }),
    notify: async (n) => void (await ex.send(noticeEvent(n))),
  });

async function campaignWith(name: string, channels: ChannelInput[]) {
  const campaign = await createCampaign(db.sql, { name }, 'test');
  for (const ch of channels) await createChannel(db.sql, campaign.id, ch, 'test');
  const scenario = await createScenario(
    db.sql,
    { campaignId: campaign.id, title: `${name} app`, request: 'Build a notes app with postgres.' },
    'test',
  );
  return { campaign, scenario };
}

describe('notify-run', () => {
  it('a finished run reaches every subscribed channel; the log says delivered', async () => {
    const secret = newWebhookSecret();
    const ev = ['run.succeeded'] as ChannelInput['events'];
    const { campaign, scenario } = await campaignWith('Every channel', [
      {
        kind: 'webhook',
        name: 'hook',
        events: ev,
        settings: { url: `${hook.url}/in` },
        secrets: { secret },
      },
      {
        kind: 'slack',
        name: 'slack',
        events: ev,
        settings: {},
        secrets: { url: `${http.url}/slack/T/B/x` },
      },
      {
        kind: 'discord',
        name: 'discord',
        events: ev,
        settings: {},
        secrets: { url: `${http.url}/discord/1/t` },
      },
      {
        kind: 'ntfy',
        name: 'ntfy',
        events: ev,
        settings: { url: `${http.url}/ntfy/alerts` },
        secrets: {},
      },
      {
        kind: 'email',
        name: 'mail',
        events: ev,
        settings: {
          host: '127.0.0.1',
          port: smtp.port,
          security: 'none',
          from: 'gen@example.test',
          to: ['ops@example.test'],
        },
        secrets: {},
      },
      // Subscribed to something else: not told.
      {
        kind: 'slack',
        name: 'failures only',
        events: ['run.failed'],
        settings: {},
        secrets: { url: `${http.url}/other` },
      },
    ]);
    const ex = executor(5);
    await ex.start();
    const lifecycle = lifecycleOn(ex);
    const run = await lifecycle.queue(
      { scenarioId: scenario.id, trigger: 'api', config: {} },
      'test',
      'test',
    );
    const ref = { runId: run.id, scenarioId: scenario.id };
    await lifecycle.enter(ref, 'deploying');
    await lifecycle.succeed(ref, { facts: {}, message: 'Deployed: archive' });
    await lifecycle.succeed(ref, { facts: {}, message: 'again' }); // over: tells nobody again

    const log = await until(async () => {
      const rows = await listDeliveries(db.sql, campaign.id);
      return rows.length === 5 && rows.every((r) => r.status === 'delivered') && rows;
    });
    expect(log.map((r) => r.channelKind).sort()).toEqual([
      'discord',
      'email',
      'ntfy',
      'slack',
      'webhook',
    ]);
    expect(log.every((r) => r.attempts === 1 && r.event === 'run.succeeded')).toBe(true);

    const signed = hook.hits.at(-1)!;
    const payload = new Webhook(secret).verify(
      signed.body,
      signed.headers as Record<string, string>,
    );
    expect(payload).toMatchObject({
      type: 'run.succeeded',
      data: { title: `“Every channel app” deployed (run ${run.number})`, run: { id: run.id } },
    });
    expect(http.hits.map((h) => h.path).sort()).toEqual(['/discord/1/t', '/ntfy/', '/slack/T/B/x']);
    expect(smtp.mails).toHaveLength(1);
    expect(smtp.mails[0]!.raw).toContain('Deployed: archive');
  });

  it('a delivery that fails is retried after a restart and then delivered', async () => {
    await stopAll();
    hook.hits.length = 0;
    hook.status = 503;
    const secret = newWebhookSecret();
    const { campaign, scenario } = await campaignWith('Restart', [
      {
        kind: 'webhook',
        name: 'hook',
        events: ['run.budget'],
        settings: { url: `${hook.url}/in` },
        secrets: { secret },
      },
    ]);
    // Back-off long enough that the retry is still pending when this executor stops.
    const first = executor(1500);
    await first.start();
    const run = await lifecycleOn(first).queue(
      { scenarioId: scenario.id, trigger: 'api', config: {} },
      'test',
      'test',
    );
    await lifecycleOn(first).fail(
      { runId: run.id, scenarioId: scenario.id },
      {
        failureClass: 'budget_exceeded',
        error: 'cost cap',
        message: 'Run failed: the session hit its cost cap',
      },
    );
    const retrying = await until(async () => {
      const [d] = await listDeliveries(db.sql, campaign.id);
      return d?.status === 'retrying' && d;
    });
    expect(retrying).toMatchObject({ attempts: 1, responseStatus: 503, event: 'run.budget' });
    await stopAll();

    hook.status = 200;
    await executor(5).start(); // the "restarted" server: same database, new executor
    const done = await until(async () => {
      const [d] = await listDeliveries(db.sql, campaign.id);
      return d?.status === 'delivered' && d;
    });
    expect(done).toMatchObject({ attempts: 2, lastError: null, responseStatus: 200 });
    expect(hook.hits).toHaveLength(2);
    // Same message id both times, so a receiver can drop a duplicate.
    expect(hook.hits[0]!.headers['webhook-id']).toBe(hook.hits[1]!.headers['webhook-id']);
    new Webhook(secret).verify(hook.hits[1]!.body, hook.hits[1]!.headers as Record<string, string>);
  });

  it('a delivery in back-off when its server is killed is retried by the next one', async () => {
    await stopAll();
    hook.hits.length = 0;
    hook.status = 503;
    const { campaign, scenario } = await campaignWith('Killed', [
      {
        kind: 'webhook',
        name: 'hook',
        events: ['run.cancelled'],
        settings: { url: `${hook.url}/k` },
        secrets: { secret: newWebhookSecret() },
      },
    ]);
    const run = await lifecycleOn(executor(5)).queue(
      { scenarioId: scenario.id, trigger: 'api', config: {} },
      'test',
      'test',
    );
    const notice = { runId: run.id, event: 'run.cancelled', key: 'end', message: 'cancelled' };
    const child = spawn(
      process.execPath,
      [
        path.join(import.meta.dirname, 'testing', 'notify-child.ts'),
        db.url,
        db.schema,
        JSON.stringify(notice),
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise((r) => child.on('exit', r));
    await until(async () => {
      const [d] = await listDeliveries(db.sql, campaign.id);
      return d?.status === 'retrying';
    }, 20_000).catch((e: unknown) => {
      child.kill('SIGKILL');
      throw new Error(`the child never tried: ${stderr}`, { cause: e });
    });
    child.kill('SIGKILL');
    await exited;
    await stopAll();
    // Nothing else is working on it: still waiting for its retry.
    expect((await listDeliveries(db.sql, campaign.id))[0]).toMatchObject({
      status: 'retrying',
      attempts: 1,
    });
    hook.status = 200;
    await executor(5).start();
    const done = await until(async () => {
      const [d] = await listDeliveries(db.sql, campaign.id);
      return d?.status === 'delivered' && d;
    });
    expect(done).toMatchObject({ attempts: 2, event: 'run.cancelled' });
    expect(hook.hits).toHaveLength(2);
  });

  it('a refused delivery fails at once, logged with the reason; other channels still deliver', async () => {
    const { campaign, scenario } = await campaignWith('Refused', [
      {
        kind: 'discord',
        name: 'gone',
        events: ['run.sleeping'],
        settings: {},
        secrets: { url: `${http.url}/api/webhooks/9/secret-token` },
      },
      {
        kind: 'ntfy',
        name: 'ok',
        events: ['run.sleeping'],
        settings: { url: `${hook.url}/topic` },
        secrets: {},
      },
    ]);
    http.status = 404;
    hook.status = 200;
    const ex = executor(5);
    await ex.start();
    const lifecycle = lifecycleOn(ex);
    const run = await lifecycle.queue(
      { scenarioId: scenario.id, trigger: 'api', config: {} },
      'test',
      'test',
    );
    const ref = { runId: run.id, scenarioId: scenario.id };
    await lifecycle.enter(ref, 'planning');
    const wakeAt = new Date(Date.now() + 3_600_000);
    await lifecycle.sleep(ref, {
      phase: 'planning',
      stepKey: 'plan-1',
      wakeAt,
      reason: 'usage limit',
    });
    const rows = await until(async () => {
      const r = await listDeliveries(db.sql, campaign.id);
      return (
        r.length === 2 && r.every((d) => d.status === 'failed' || d.status === 'delivered') && r
      );
    });
    const by = Object.fromEntries(rows.map((r) => [r.channelName, r]));
    expect(by.gone).toMatchObject({ status: 'failed', attempts: 1, responseStatus: 404 });
    expect(by.gone!.lastError).toMatch(/answered 404/);
    expect(by.gone!.lastError).not.toContain('secret-token');
    expect(by.ok).toMatchObject({ status: 'delivered', event: 'run.sleeping' });
    const body = JSON.parse(hook.hits.at(-1)!.body) as { message: string };
    expect(body.message).toContain(`Resumes at ${wakeAt.toISOString()}`);
    http.status = 200;
  });
});
