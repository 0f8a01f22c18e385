import { createUpstashBus } from '../core/bus/upstash.ts';
import { createS3ReadStore } from '../core/store/s3-read.ts';
import { parseConfig } from '../core/config.ts';
import { AppError } from '../core/errors.ts';
import type { ObjectStore } from '../core/store/port.ts';
import { connect } from '../db/client.ts';
import { createAppOn } from '../functions/app-core.ts';
import type { HostPorts } from '../functions/host.ts';
import { createEdgeControl } from './edge-control.ts';

/**
 * The fetch-handler entry for Workers-style runtimes: the same Hono app as the Node server,
 * built per request from the platform's bindings (strings, read like environment variables),
 * with Postgres over the runtime's sockets (postgres.js picks them by the `workerd` condition)
 * and the Upstash bus over HTTP. What needs a Node host (migration files, tar bundles, SMTP,
 * process metrics, writing objects) answers with a typed 503 naming it. With S3_ENDPOINT the
 * edge reads the workers' artifacts over fetch (core/store/s3-read.ts). Runs are started and cancelled here and executed by self-hosted workers (see
 * bin/edge-control.ts). The SPA is served by the platform as static assets.
 */
type Bindings = Record<string, unknown>;

/** The part of the runtime's execution context the entry uses. */
interface ExecutionContext {
  waitUntil(promise: Promise<unknown>): void;
}

const nodeOnly = (what: string) => (): never => {
  throw new AppError(
    'service_unavailable',
    `${what} needs the Node server or a worker; the edge deployment does not provide it.`,
  );
};

/** Host ports on the edge: none of the Node-only ones (see functions/host.ts). */
const edgeHost: HostPorts = {
  // Migrations are applied by the Node side (`scenario-gen migrate`), never from the edge.
  pendingMigrations: async () => [],
  readBundleFile: nodeOnly('Reading a bundle file'),
  attemptDelivery: nodeOnly('Sending a test notification'),
  createMetrics: nodeOnly('GET /metrics'),
};

const edgeStore: ObjectStore = {
  kind: 'none (edge)',
  init: async () => {},
  put: nodeOnly('The object store'),
  get: nodeOnly('The object store'),
  stream: nodeOnly('The object store'),
  stat: async () => null,
  list: async () => [],
  delete: nodeOnly('The object store'),
  close: async () => {},
};

function settings(bindings: Bindings): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(bindings)) if (typeof v === 'string') env[k] = v;
  return env;
}

/** Builds the app for one request; its database connection closes when the request is done. */
async function handle(request: Request, bindings: Bindings, ctx: ExecutionContext) {
  const config = parseConfig(settings(bindings), '/');
  if (!config.DATABASE_URL || !config.UPSTASH_REDIS_REST_URL || !config.UPSTASH_REDIS_REST_TOKEN)
    throw new AppError(
      'config_invalid',
      'The edge entry needs DATABASE_URL, UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN.',
    );
  // Sockets belong to the request that opened them on Workers: one small pool per request.
  const sql = connect(config.DATABASE_URL, { max: 2 });
  const bus = createUpstashBus({
    url: config.UPSTASH_REDIS_REST_URL,
    token: config.UPSTASH_REDIS_REST_TOKEN,
    maxPerTopic: config.BUS_REPLAY_SIZE,
    pollMs: config.BUS_POLL_INTERVAL,
  });
  // The workers' agent credentials are theirs: the edge labels runs as the demo model's only when told.
  const demoModel = config.DEMO_MODEL === 'on';
  const app = createAppOn(
    {
      config,
      sql,
      // The workers' S3 store, read over fetch (they write it); without S3_ENDPOINT, none.
      store: config.S3_ENDPOINT
        ? createS3ReadStore({
            endpoint: config.S3_ENDPOINT,
            accessKey: config.S3_ACCESS_KEY!,
            secretKey: config.S3_SECRET_KEY!,
            bucket: config.S3_BUCKET,
            region: config.S3_REGION,
          })
        : edgeStore,
      bus,
      meta: {
        version: String(bindings['APP_VERSION'] ?? 'edge'),
        demoModel,
        executor: 'local',
      },
      // Runs are enqueued here and executed by self-hosted workers (bin/edge-control.ts).
      pipeline: createEdgeControl({ sql, bus, config, demoModel }),
    },
    edgeHost,
  );
  const response = await app.fetch(request);
  const done = async () => {
    await bus.close();
    await sql.end({ timeout: 5 });
  };
  // A streamed answer (SSE) still needs both until its body ends.
  if (response.body && response.headers.get('content-type')?.startsWith('text/event-stream')) {
    const { readable, writable } = new TransformStream();
    ctx.waitUntil(response.body.pipeTo(writable).finally(done));
    return new Response(readable, response);
  }
  ctx.waitUntil(done());
  return response;
}

/** The module worker: `export default { fetch }`. */
export default {
  async fetch(request: Request, bindings: Bindings, ctx: ExecutionContext): Promise<Response> {
    try {
      return await handle(request, bindings, ctx);
    } catch (e) {
      const status = e instanceof AppError && e.code === 'config_invalid' ? 500 : 503;
      return Response.json(
        { type: 'about:blank', title: 'Edge entry failed', status, detail: (e as Error).message },
        { status, headers: { 'content-type': 'application/problem+json' } },
      );
    }
  },
};
