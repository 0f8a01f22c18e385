import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digestToken, newSecretToken } from '../../core/auth/secret-token.ts';
import { createApiToken, revokeApiToken } from '../../db/api-tokens.ts';
import { createCampaign } from '../../db/campaigns.ts';
import { readSse, type SseMessage } from '../support/sse.ts';
import { createAccountsApp, type AccountsApp } from './accounts-support.ts';

/**
 * A live stream outlives the request that opened it: signing out or revoking the token ends
 * it (a last `revoked` event, then the end), while a stream whose credential stands goes on.
 */
let a: AccountsApp;
let campaignId: string;

beforeAll(async () => {
  a = await createAccountsApp({ SSE_HEARTBEAT: '100ms' });
  campaignId = (await createCampaign(a.t.db.sql, { name: 'Live' }, 'test')).id;
});
afterAll(async () => {
  await a?.t.close();
});

/** Messages until a `revoked` event or the end of the stream, for at most `ms`. */
async function until(sse: ReturnType<typeof readSse>, ms: number): Promise<SseMessage[]> {
  const got: SseMessage[] = [];
  const end = Date.now() + ms;
  while (Date.now() < end) {
    try {
      const m = await sse.next(Math.max(1, end - Date.now()));
      got.push(m);
      if (m.event === 'revoked') break;
    } catch {
      break;
    }
  }
  return got;
}

describe('live streams and revoked credentials', () => {
  it('signing out ends a session’s stream; another session’s stream goes on', async () => {
    const ann = await a.user('ann', { admin: true });
    const bob = await a.user('bob', { admin: true });
    const open = (cookie: string) =>
      a.fetch('GET', `/api/events?campaign=${campaignId}`, { headers: { cookie } });
    const annStream = readSse(await open(ann));
    const bobStream = readSse(await open(bob));
    expect((await annStream.next()).event).toBe('snapshot');
    expect((await bobStream.next()).event).toBe('snapshot');

    const out = await a.fetch('POST', '/api/auth/signout', { headers: { cookie: ann } });
    expect(out.status).toBe(204);
    const seen = await until(annStream, 3000);
    expect(seen.at(-1)).toMatchObject({ event: 'revoked' });
    expect(seen.at(-1)!.data.detail).toMatch(/sign in again/);
    await expect(annStream.next(1000)).rejects.toThrow(/stream ended/);

    // Bob's stream is still there: heartbeats keep coming, nothing is revoked.
    const bobs = await until(bobStream, 500);
    expect(bobs.length).toBeGreaterThan(0);
    expect(bobs.some((m) => m.event === 'revoked')).toBe(false);
    await bobStream.close();
  });

  it('revoking an API token ends the streams it opened', async () => {
    const secret = newSecretToken('api');
    const token = await createApiToken(
      a.t.db.sql,
      { name: 'ci', tokenHash: digestToken(secret), role: 'viewer', campaignId },
      'test',
    );
    const sse = readSse(
      await a.fetch('GET', `/api/events?campaign=${campaignId}`, {
        headers: { authorization: `Bearer ${secret}` },
      }),
    );
    expect((await sse.next()).event).toBe('snapshot');
    expect((await until(sse, 400)).some((m) => m.event === 'revoked')).toBe(false);
    await revokeApiToken(a.t.db.sql, token.id, 'test');
    expect((await until(sse, 3000)).at(-1)).toMatchObject({ event: 'revoked' });
    await expect(sse.next(1000)).rejects.toThrow(/stream ended/);
  });
});
