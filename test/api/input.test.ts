import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.ts';

const NASTY = [
  "'); DROP TABLE scenarios; --",
  'Robert"); DELETE FROM campaigns WHERE ("1"="1',
  '%_\\%\\_ LIKE \\',
  'Ünïcødé ✓ — 日本語 🚀🧪 \u200b zero-width \u202e RTL',
  'tabs\tand\nnewlines\r\nand \u0001\u0007\u001b[31mcontrol\u007f\u0085 chars',
  '$1 $$ ${x} {{placeholder}} `backticks` <script>alert(1)</script>',
  ' leading and trailing spaces ',
];

describe('API input handling', () => {
  let t: TestApp;
  let campaign: string;
  beforeAll(async () => {
    t = await createTestApp({ MAX_BODY_BYTES: '4096' });
    campaign = (await t.call('POST', '/api/campaigns', { name: 'Input' })).json.id;
  });
  afterAll(() => t.close());

  it.each(NASTY)('stores and returns free text byte for byte: %j', async (text) => {
    const created = await t.call('POST', '/api/scenarios', {
      campaignId: campaign,
      title: text.slice(0, 200),
      request: text,
    });
    expect(created.status).toBe(201);
    const got = await t.call('GET', `/api/scenarios/${created.json.id}`);
    expect(got.json.title).toBe(text.slice(0, 200));
    expect(got.json.request).toBe(text);
    const c = await t.call('POST', '/api/campaigns', {
      name: `c ${text}`.slice(0, 200),
      description: text,
    });
    expect(c.status).toBe(201);
    expect((await t.call('GET', `/api/campaigns/${c.json.id}`)).json.description).toBe(text);
  });

  it('answers malformed JSON, wrong types, unknown fields and bad ids with 4xx problem documents', async () => {
    const cases: Array<[string, string, unknown, number, Record<string, string>?]> = [
      ['POST', '/api/scenarios', '{"title": ', 400],
      ['POST', '/api/scenarios', '[1,2,3]', 400],
      ['POST', '/api/scenarios', 'null', 400],
      ['POST', '/api/scenarios', { campaignId: campaign, title: 5, request: ['x'] }, 400],
      [
        'POST',
        '/api/scenarios',
        { campaignId: campaign, title: 't', request: 'r', config: { planningIterations: 9 } },
        400,
      ],
      [
        'POST',
        '/api/scenarios',
        { campaignId: campaign, title: 't', request: 'r', sneaky: 1 },
        400,
      ],
      ['POST', '/api/scenarios', { campaignId: 'not-a-uuid', title: 't', request: 'r' }, 400],
      [
        'POST',
        '/api/scenarios',
        { campaignId: campaign, title: 't', request: 'r', targetFormat: 'vrooli-1999-01-01' },
        400,
      ],
      ['POST', '/api/scenarios', { campaignId: campaign, title: 'nul\u0000', request: 'r' }, 400],
      [
        'POST',
        '/api/scenarios',
        'title=x',
        415,
        { 'content-type': 'application/x-www-form-urlencoded' },
      ],
      [
        'POST',
        '/api/scenarios',
        { campaignId: campaign, title: 't', request: 'x'.repeat(5000) },
        413,
      ],
      ['GET', '/api/scenarios/not-a-uuid', undefined, 400],
      ['GET', '/api/scenarios/00000000-0000-4000-8000-000000000000', undefined, 404],
      ['GET', '/api/scenarios?limit=0', undefined, 400],
      ['GET', '/api/scenarios?limit=abc', undefined, 400],
      ['GET', '/api/scenarios?sort=drop', undefined, 400],
      ['GET', '/api/scenarios?unknown=1', undefined, 400],
      ['GET', '/api/scenarios?status=deployed,bogus', undefined, 400],
      ['PATCH', `/api/campaigns/${campaign}`, {}, 400],
      ['DELETE', '/api/campaigns/00000000-0000-4000-8000-000000000000', undefined, 404],
      ['GET', '/api/nothing-here', undefined, 404],
    ];
    for (const [method, url, body, status, headers] of cases) {
      const r = await t.call(method, url, body, headers);
      expect({ method, url, status: r.status }).toEqual({ method, url, status });
      expect(r.type).toContain('application/problem+json');
      expect(r.json).toMatchObject({
        status,
        title: expect.any(String),
        detail: expect.any(String),
        code: expect.any(String),
      });
    }
    const bad = await t.call('POST', '/api/scenarios', {
      campaignId: campaign,
      title: 5,
      request: ['x'],
      config: { planningIterations: 0 },
    });
    expect(bad.json.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'body.config.planningIterations',
      'body.request',
      'body.title',
    ]);
  });

  it('never answers 5xx to random input', async () => {
    let seed = 42;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    const values = [
      null,
      true,
      0,
      -1,
      1e309,
      3.5,
      '',
      'x',
      'ü',
      [],
      {},
      [1],
      { a: 1 },
      '00000000-0000-4000-8000-000000000000',
      campaign,
      'simple',
      5,
      'a'.repeat(300),
    ];
    const keys = [
      'campaignId',
      'title',
      'request',
      'complexity',
      'config',
      'slug',
      'category',
      'targetFormat',
      'archived',
      'name',
      'color',
      'icon',
      'ids',
      'action',
    ];
    for (let i = 0; i < 150; i++) {
      const body: Record<string, unknown> = {};
      for (let k = 0; k < 1 + Math.floor(rnd() * 5); k++) body[pick(keys)] = pick(values);
      const [method, url] = pick([
        ['POST', '/api/scenarios'],
        ['POST', '/api/campaigns'],
        ['PATCH', `/api/campaigns/${campaign}`],
        ['POST', '/api/scenarios/batch'],
      ] as const);
      const r = await t.call(method, url, body);
      expect(r.status, `${method} ${url} ${JSON.stringify(body)}`).toBeLessThan(500);
    }
  });
});
