import type { JsonSchema } from '@valibot/to-json-schema';
import { POLICIES } from '../access/policies.ts';
import { SESSION_COOKIE } from '../access/authenticate.ts';
import { Problem as problemSchema } from '../contract/errors.ts';
import type { OpenApiDocument } from '../contract/meta.ts';
import { schemaConverter, type SchemaConverter } from './json-schema.ts';
import { isJsonOr, isMedia, type ResponseSpec, type RouteSpec } from './route-spec.ts';

/**
 * The OpenAPI 3.1 document of the API, generated from the route tables (functions/routes/*)
 * and the contract's schemas; nothing in it is written by hand.
 */

/** `/api/runs/:id/files/*` → `/api/runs/{id}/files/{path}`. */
export function openApiPath(honoPath: string): string {
  return honoPath.replace(/:([A-Za-z]+)/g, '{$1}').replace(/\*$/, '{path}');
}

const STATUS_TEXT: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  202: 'Accepted',
  204: 'No content',
  503: 'Not ready',
};

function response(status: number, r: ResponseSpec, convert: SchemaConverter): object {
  const description = STATUS_TEXT[status] ?? String(status);
  if (r === null) return { description };
  if (isJsonOr(r))
    return {
      description: `${description}: JSON, or ${r.or.description}`,
      content: {
        'application/json': { schema: convert.output(r.json) },
        [r.or.media]: { schema: { type: 'string' } },
      },
    };
  if (!isMedia(r))
    return { description, content: { 'application/json': { schema: convert.output(r) } } };
  const events = r.events
    ? {
        'x-events': Object.fromEntries(
          Object.entries(r.events).map(([name, s]) => [name, convert.output(s)]),
        ),
      }
    : {};
  return {
    description: r.description,
    content: { [r.media]: { schema: { type: 'string' }, ...events } },
  };
}

function parameters(spec: RouteSpec, convert: SchemaConverter): object[] {
  const out: object[] = [];
  for (const [, name] of spec.path.matchAll(/:([A-Za-z]+)/g)) {
    const given = name ? spec.params?.[name] : undefined;
    const schema = given ? convert.input(given) : { type: 'string', format: 'uuid' };
    out.push({ name, in: 'path', required: true, schema });
  }
  if (spec.path.endsWith('*'))
    out.push({ name: 'path', in: 'path', required: true, schema: { type: 'string' } });
  if (spec.query) {
    const q = convert.input(spec.query);
    const required = new Set(q.required ?? []);
    for (const [name, schema] of Object.entries(q.properties ?? {}))
      out.push({ name, in: 'query', required: required.has(name), schema });
  }
  return out;
}

function security(spec: RouteSpec): object {
  const policy = POLICIES[`${spec.method.toUpperCase()} ${spec.path}`];
  if (policy?.kind === 'public') return { security: [] };
  if (policy?.kind === 'hook') return { security: [{ webhookSignature: [] }] };
  return {};
}

function operation(spec: RouteSpec, convert: SchemaConverter): object {
  const responses: Record<string, object> = {};
  for (const [status, r] of Object.entries(spec.responses))
    if (r !== undefined) responses[status] = response(Number(status), r, convert);
  responses.default = {
    description: 'A problem document (RFC 9457)',
    content: { 'application/problem+json': { schema: convert.output(problemSchema) } },
  };
  const params = parameters(spec, convert);
  return {
    operationId: `${spec.method}${spec.path.replace(/[^A-Za-z0-9]+(.)?/g, (_, ch: string = '') => ch.toUpperCase())}`,
    summary: spec.summary,
    tags: [spec.path.split('/')[2] ?? 'api'],
    ...(params.length ? { parameters: params } : {}),
    ...(spec.body
      ? {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: convert.input(spec.body) as JsonSchema } },
          },
        }
      : {}),
    responses,
    ...security(spec),
  };
}

/** Builds the document for these routes. */
export function openApiDocument(routes: readonly RouteSpec[], version: string): OpenApiDocument {
  const convert = schemaConverter(routes);
  const paths: Record<string, Record<string, unknown>> = {};
  for (const spec of routes) {
    const p = (paths[openApiPath(spec.path)] ??= {});
    p[spec.method] = operation(spec, convert);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Scenario Generator API',
      version,
      description:
        'Generates Vrooli scenarios with Claude Code: campaigns, scenarios, runs, live progress.',
    },
    security: [{ bearer: [] }, { session: [] }],
    paths,
    components: {
      schemas: convert.components,
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'ACCESS_TOKEN or an API token' },
        session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
        webhookSignature: {
          type: 'apiKey',
          in: 'header',
          name: 'X-SG-Signature',
          description:
            'sha256=<hex HMAC-SHA256 with WEBHOOK_SECRET of "<X-SG-Timestamp>.<X-SG-Delivery>.<body>">',
        },
      },
    },
  };
}
