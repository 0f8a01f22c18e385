import { InngestTestEngine } from '@inngest/test';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createMemoryBus } from '../../../core/bus/memory.ts';
import { createLogger } from '../../../core/log.ts';
import { newWebhookSecret } from '../../../core/notify/index.ts';
import { startHttpReceiver, type HttpReceiver } from '../../../core/notify/testing/receivers.ts';
import { createCampaign } from '../../../db/campaigns.ts';
import { createChannel } from '../../../db/notification-channels.ts';
import { listDeliveries } from '../../../db/notification-deliveries.ts';
import { createReporter } from '../../../db/progress.ts';
import { createScenario } from '../../../db/scenarios.ts';
import { createTestDb, type TestDb } from '../../../test/support/db.ts';
import { createRunLifecycle } from '../../lifecycle.ts';
import { NOTICE_REQUESTED, type NoticeRequested } from '../../notices.ts';
import { createNotifyRun } from '../../stages/notify-run.ts';
import { createInngestClient } from './client.ts';
import { toInngestFunctions } from './function.ts';

/**
 * notify-run as an Inngest server runs it (@inngest/test drives the served function step by
 * step): the notice the lifecycle sent reaches the campaign's webhook, signed; a receiver that
 * answers 503 makes the delivery step throw, so Inngest retries it.
 */
let db: TestDb;
let rx: HttpReceiver;
beforeAll(async () => {
  db = await createTestDb();
  rx = await startHttpReceiver();
});
afterAll(async () => {
  await rx.close();
  await db.drop();
});

it('delivers a run notice under Inngest; a failing receiver fails the step for a retry', async () => {
  const log = createLogger('error', [], () => {});
  const client = createInngestClient({ INNGEST_DEV: { dev: true } }, { log });
  const [fn] = toInngestFunctions(client, [createNotifyRun({ sql: db.sql, log })]);
  const campaign = await createCampaign(db.sql, { name: 'Served' }, 'test');
  const secret = newWebhookSecret();
  await createChannel(
    db.sql,
    campaign.id,
    {
      kind: 'webhook',
      name: 'hook',
      events: ['run.failed'],
      settings: { url: `${rx.url}/h` },
      secrets: { secret },
    },
    'test',
  );
  const scenario = await createScenario(
    db.sql,
    { campaignId: campaign.id, title: 'Served app', request: 'Build a notes app.' },
    'test',
  );
  const sent: NoticeRequested[] = [];
  const lifecycle = createRunLifecycle({
    sql: db.sql,
    reporter: createReporter({ db: db.sql, bus: createMemoryBus() }),
    notify: async (n) => void sent.push(n),
  });
  const run = await lifecycle.queue(
    { scenarioId: scenario.id, trigger: 'api', config: {} },
    'test',
    'test',
  );
  await lifecycle.fail(
    { runId: run.id, scenarioId: scenario.id },
    { failureClass: 'validation_failed', error: 'x', message: 'Run failed: still invalid' },
  );
  expect(sent).toEqual([
    { runId: run.id, event: 'run.failed', key: 'end', message: 'Run failed: still invalid' },
  ]);

  rx.status = 503;
  const failing = new InngestTestEngine({ function: fn! });
  const first = await failing.execute({ events: [{ name: NOTICE_REQUESTED, data: sent[0]! }] });
  expect(first.error).toBeDefined();
  expect((await listDeliveries(db.sql, campaign.id))[0]).toMatchObject({
    status: 'retrying',
    attempts: 1,
  });

  rx.status = 200;
  const t = new InngestTestEngine({ function: fn! });
  const { result, error } = await t.execute({
    events: [{ name: NOTICE_REQUESTED, data: sent[0]! }],
  });
  expect(error).toBeUndefined();
  expect(result).toEqual({ delivered: 1, failed: 0 });
  const hit = rx.hits.at(-1)!;
  expect(new Webhook(secret).verify(hit.body, hit.headers as Record<string, string>)).toMatchObject(
    {
      type: 'run.failed',
      data: { title: `“Served app” failed (run ${run.number})` },
    },
  );
  expect((await listDeliveries(db.sql, campaign.id))[0]).toMatchObject({
    status: 'delivered',
    attempts: 2,
  });
});
