import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDbInteractionRecorder } from '../../db/agent-interactions.ts';
import { createRun } from '../../db/runs.ts';
import { createLogger } from '../../core/log.ts';
import { housekeep } from '../../inngest/housekeeping.ts';
import { createTestApp, type TestApp } from '../support/app.ts';

/** GET /api/runs/:id/interactions/:sessionId/transcript: the stored transcript, streamed. */
let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});

describe('an agent session transcript', () => {
  it('is streamed as stored, and a session without one is a 404', async () => {
    const c = await t.call('POST', '/api/campaigns', { name: 'Transcripts' });
    const s = await t.call('POST', '/api/scenarios', {
      campaignId: c.json.id,
      title: 'Log reader',
      request: 'Read logs',
    });
    const run = await createRun(
      t.db.sql,
      { scenarioId: s.json.id, trigger: 'api', config: {} },
      'local',
    );
    const recorder = createDbInteractionRecorder(t.db.sql);
    const lines = Array.from({ length: 20_000 }, (_, i) =>
      JSON.stringify({
        type: 'assistant',
        message: { content: [{ type: 'text', text: `line ${i}` }] },
      }),
    );
    const [one, two] = [randomUUID(), randomUUID()];
    const key = `transcripts/${one}.jsonl`;
    await t.deps.store.put(key, Buffer.from(lines.join('\n') + '\n'));
    for (const sessionId of [one!, two!]) {
      await recorder.start({
        sessionId,
        agent: 'claude-code',
        promptTemplate: 'plan',
        promptVersion: '1',
        runId: run.id,
        scenarioId: s.json.id,
      });
    }
    await recorder.finish(one!, {
      outcome: 'success',
      outcomeDetail: {},
      turns: 1,
      usage: { inputTokens: 1, outputTokens: 1, cacheReadTokens: 0, cacheCreationTokens: 0 },
      costUsd: 0,
      durationMs: 1,
      permissionDenials: [],
      transcriptKey: key,
      transcriptBytes: 1,
      transcriptTruncated: false,
    });

    const res = await t.call('GET', `/api/runs/${run.id}/interactions/${one}/transcript`);
    expect(res.status).toBe(200);
    expect(res.type).toContain('application/x-ndjson');
    expect((res.json as string).trimEnd().split('\n')).toEqual(lines);
    const missing = await t.call('GET', `/api/runs/${run.id}/interactions/${two}/transcript`);
    expect(missing.status).toBe(404);
    const other = await t.call(
      'GET',
      `/api/runs/${run.id}/interactions/${randomUUID()}/transcript`,
    );
    expect(other.status).toBe(404);
    expect((await t.call('GET', `/api/runs/${run.id}/interactions/nope/transcript`)).status).toBe(
      400,
    );

    // Past TRANSCRIPT_RETENTION_DAYS housekeeping removes it: a 404 that says why.
    await t.db.sql`UPDATE agent_interactions SET finished_at = now() - interval '31 days'`;
    const swept = await housekeep({
      sql: t.db.sql,
      store: t.deps.store,
      log: createLogger('error'),
      transcriptRetentionDays: 30,
      bundleRetention: 0,
    });
    expect(swept.transcripts).toBe(1);
    const gone = await t.call('GET', `/api/runs/${run.id}/interactions/${one}/transcript`);
    expect(gone.status).toBe(404);
    expect(gone.json.detail).toMatch(
      /deleted by retention housekeeping \(TRANSCRIPT_RETENTION_DAYS\)/,
    );
  });
});
