/**
 * The API contract: every request and response shape as a valibot schema, defined once. The
 * server validates requests with these schemas and its handlers must return what they describe
 * (functions/reply.ts); the site and the CLI import the inferred types with `import type` only
 * (erased at build); GET /api/openapi.json is generated from them (functions/openapi/).
 */
export * from './accounts.ts';
export * from './campaigns.ts';
export * from './common.ts';
export * from './errors.ts';
export * from './events.ts';
export * from './hooks.ts';
export * from './learning.ts';
export * from './meta.ts';
export * from './notifications.ts';
export * from './runs.ts';
export * from './scenarios.ts';
export * from './settings.ts';
export * from './prompts.ts';
