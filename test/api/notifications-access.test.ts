import { afterAll, beforeAll, expect, it } from 'vitest';
import { createCampaign } from '../../db/campaigns.ts';
import { createAccountsApp, type AccountsApp } from './accounts-support.ts';

/**
 * Who may see and change a campaign's notifications (accounts mode): its viewers read the
 * channels and the log; only its administrators add, change, test or remove channels; people
 * without a role on the campaign get nothing.
 */
let a: AccountsApp;
let base = '';
beforeAll(async () => {
  a = await createAccountsApp();
  const c = await createCampaign(a.t.db.sql, { name: 'Guarded' }, 'test');
  base = `/api/campaigns/${c.id}/notifications`;
  await a.user('vera', { campaign: c.id, role: 'viewer' });
  await a.user('otto', { campaign: c.id, role: 'operator' });
  await a.user('ada', { campaign: c.id, role: 'admin' });
  await a.user('nobody');
});
afterAll(() => a.t.close());

const as = async (name: string) => {
  const res = await a.signIn(name);
  return res.headers.get('set-cookie')!.split(';')[0]!;
};
const channel = {
  kind: 'ntfy',
  name: 'Phone',
  events: ['run.failed'],
  settings: { url: 'http://127.0.0.1:9/alerts' },
  secrets: {},
};

it('viewers read, admins change, others get nothing', async () => {
  const vera = await as('vera');
  const otto = await as('otto');
  const ada = await as('ada');
  const nobody = await as('nobody');
  expect((await a.fetch('GET', base, { headers: { cookie: vera } })).status).toBe(200);
  expect((await a.fetch('GET', `${base}/deliveries`, { headers: { cookie: vera } })).status).toBe(
    200,
  );
  expect((await a.fetch('GET', base, { headers: { cookie: nobody } })).status).toBe(403);
  for (const cookie of [vera, otto])
    expect(
      (await a.fetch('POST', `${base}/channels`, { body: channel, headers: { cookie } })).status,
    ).toBe(403);
  const created = await a.fetch('POST', `${base}/channels`, {
    body: channel,
    headers: { cookie: ada },
  });
  expect(created.status).toBe(201);
  const id = ((await created.json()) as { id: string }).id;
  const one = `${base}/channels/${id}`;
  expect((await a.fetch('POST', `${one}/test`, { headers: { cookie: otto } })).status).toBe(403);
  expect(
    (await a.fetch('PATCH', one, { body: { name: 'x' }, headers: { cookie: vera } })).status,
  ).toBe(403);
  expect((await a.fetch('DELETE', one, { headers: { cookie: otto } })).status).toBe(403);
  expect(
    (await a.fetch('PATCH', one, { body: { name: 'Pager' }, headers: { cookie: ada } })).status,
  ).toBe(200);
  expect((await a.fetch('DELETE', one, { headers: { cookie: ada } })).status).toBe(204);
});
