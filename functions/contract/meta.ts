import * as v from 'valibot';
import { EXECUTORS } from '../../core/domain.ts';

/** About the server: liveness, readiness, what it runs with, and this contract as OpenAPI. */

/** GET /api/health: the process answers. */
export const Health = v.strictObject({ status: v.literal('ok') });
export type Health = v.InferOutput<typeof Health>;

/** GET /api/ready: database reachable and migrations current (503 otherwise). */
export const Ready = v.strictObject({
  ready: v.boolean(),
  checks: v.record(v.string(), v.strictObject({ ok: v.boolean(), detail: v.optional(v.string()) })),
});
export type Ready = v.InferOutput<typeof Ready>;

/** GET /api/meta: version, demo model, engine and stores. */
export const Meta = v.strictObject({
  version: v.string(),
  /** Runs use the built-in demo model (no Anthropic credentials). */
  demoModel: v.boolean(),
  executor: v.picklist(EXECUTORS),
  /** The API needs the access token (ACCESS_TOKEN is set). */
  authRequired: v.boolean(),
  defaultProfile: v.string(),
  /** Which object store and progress bus adapters run (fs, s3; memory, redis). */
  store: v.string(),
  bus: v.string(),
});
export type Meta = v.InferOutput<typeof Meta>;

/** GET /api/openapi.json: this contract as an OpenAPI 3.1 document. */
export const OpenApiDocument = v.looseObject({
  openapi: v.string(),
  info: v.looseObject({ title: v.string(), version: v.string() }),
  paths: v.record(v.string(), v.record(v.string(), v.unknown())),
});
export type OpenApiDocument = v.InferOutput<typeof OpenApiDocument>;
