import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as v from 'valibot';
import { createApp } from '../../functions/app.ts';
import { OpenApiDocument } from '../../functions/contract/meta.ts';
import { openApiPath } from '../../functions/openapi/document.ts';
import { createTestApp, type TestApp } from '../support/app.ts';

/**
 * GET /api/openapi.json is a valid OpenAPI 3.1 document, generated from the contract and the
 * route tables, and it lists every route Hono serves (walked from the app's own route table, as
 * routes-401.test.ts does): a route added without a table row fails here.
 */
let t: TestApp;
let doc: OpenApiDocument;

beforeAll(async () => {
  t = await createTestApp({ WEBHOOK_SECRET: 'hook-secret-0123456789' });
  const res = await t.call('GET', '/api/openapi.json');
  expect(res.status).toBe(200);
  doc = v.parse(OpenApiDocument, res.json);
});
afterAll(() => t.close());

/** `METHOD /path` of every API route the app serves, except the Inngest endpoint. */
function servedRoutes(): string[] {
  const app = createApp({ ...t.deps, inngest: undefined });
  const keys = app.routes
    .filter(
      (r) =>
        r.method !== 'ALL' &&
        (r.path.startsWith('/api/') || r.path === '/metrics') &&
        r.path !== '/api/inngest',
    )
    .map((r) => `${r.method} ${openApiPath(r.path)}`);
  return [...new Set(keys)].sort();
}

function documentedRoutes(): string[] {
  return Object.entries(doc.paths)
    .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`))
    .sort();
}

describe('GET /api/openapi.json', () => {
  it('validates as OpenAPI 3.1', async () => {
    expect(doc.openapi).toMatch(/^3\.1\./);
    const result = await new Validator().validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('lists every route the app serves, and no other', () => {
    const served = servedRoutes();
    expect(served.length).toBeGreaterThan(45);
    expect(documentedRoutes()).toEqual(served);
  });

  it('describes answers with the contract: refs resolve, inputs are inline', () => {
    const schemas = (doc.components as { schemas: Record<string, unknown> }).schemas;
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)];
    expect(refs.length).toBeGreaterThan(40);
    for (const [, name] of refs) expect(schemas, name).toHaveProperty(name!);
    const scenario = schemas.Scenario as { required: string[]; additionalProperties: boolean };
    expect(scenario.required).toContain('costUsd');
    expect(scenario.additionalProperties).toBe(false);
    const create = doc.paths['/api/scenarios']!.post as {
      requestBody: { content: { 'application/json': { schema: { required: string[] } } } };
    };
    // The title is named from the request when left out.
    expect(create.requestBody.content['application/json'].schema.required).toEqual([
      'campaignId',
      'request',
    ]);
  });
});
