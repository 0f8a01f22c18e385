import { Hono } from 'hono';
import { OpenApiDocument } from '../contract/meta.ts';
import type { AppDeps, AppEnv } from '../deps.ts';
import { openApiDocument } from '../openapi/document.ts';
import { API_ROUTES } from '../openapi/routes.ts';
import { reply } from '../reply.ts';

/** GET /api/openapi.json: the contract as an OpenAPI 3.1 document, built once on first ask. */
export function openApiRoutes({ meta }: Pick<AppDeps, 'meta'>): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  let doc: OpenApiDocument | undefined;
  app.get('/openapi.json', (c) =>
    reply(c, OpenApiDocument, (doc ??= openApiDocument(API_ROUTES, meta.version))),
  );
  return app;
}
